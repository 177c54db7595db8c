# Mistake: gates with sigmoid(x W) instead of silu(x W) = x W · sigmoid(x W) (the original GLU, not SwiGLU).
# expect: silu(z) = z · σ(z)
import numpy as np


def swiglu(x, W, V, W2):
    z = x @ W
    return (np.exp(-np.logaddexp(0.0, -z)) * (x @ V)) @ W2
