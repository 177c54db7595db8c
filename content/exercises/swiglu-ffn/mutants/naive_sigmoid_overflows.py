# Mistake: silu(z) = z / (1 + exp(−z)): exp(−z) overflows for very negative z.
# expect: overflow
import numpy as np


def swiglu(x, W, V, W2):
    z = x @ W
    return (z / (1.0 + np.exp(-z)) * (x @ V)) @ W2
