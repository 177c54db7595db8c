import numpy as np


def relu_forward(x):
    out = np.maximum(x, 0.0)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    x = cache
    dx = dout * (x > 0)  # the gradient at x = 0 is taken to be 0
    return dx
