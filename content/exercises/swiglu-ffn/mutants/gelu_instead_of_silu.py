# Mistake: uses GELU (tanh approximation) as the gate: that is GeGLU, not SwiGLU.
# expect: silu(z) = z · σ(z)
import numpy as np


def swiglu(x, W, V, W2):
    z = x @ W
    gelu = 0.5 * z * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (z + 0.044715 * z ** 3)))
    return (gelu * (x @ V)) @ W2
