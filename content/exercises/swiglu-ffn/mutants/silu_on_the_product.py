# Mistake: applies silu to the product of the two branches instead of to the gate branch alone.
# expect: the gate branch is x W
import numpy as np


def swiglu(x, W, V, W2):
    z = (x @ W) * (x @ V)
    return (z * np.exp(-np.logaddexp(0.0, -z))) @ W2
