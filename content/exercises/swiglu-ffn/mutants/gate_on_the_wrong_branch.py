# Mistake: applies silu to x V and uses x W as the linear branch (the two projections swapped).
# expect: the gate branch is x W
import numpy as np


def swiglu(x, W, V, W2):
    z = x @ V
    return (z * np.exp(-np.logaddexp(0.0, -z)) * (x @ W)) @ W2
