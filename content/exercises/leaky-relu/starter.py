import numpy as np


def leaky_relu(x, alpha=0.01):
    """x where x > 0, alpha * x elsewhere. Returns a new array of x's shape."""
    raise NotImplementedError


def leaky_relu_backward(dout, x, alpha=0.01):
    """Gradient of the loss w.r.t. x, given dout = gradient w.r.t. leaky_relu(x).

    dout where x > 0, alpha * dout elsewhere (including x == 0).
    """
    raise NotImplementedError
