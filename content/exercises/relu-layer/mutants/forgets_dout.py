# Mistake: returns the local derivative (the 0/1 mask) and forgets to multiply it by dout.
# expect: dx
# expect: wrong (> 1e-2)
import numpy as np


def relu_forward(x):
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    return (cache > 0).astype(np.float64)
