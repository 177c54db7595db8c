import numpy as np


def relu_forward(x):
    """x: array of any shape. Returns (out, cache): out = max(x, 0) element-wise, shaped
    like x; cache holds whatever relu_backward will need."""
    raise NotImplementedError


def relu_backward(dout, cache):
    """dout: dL/dout, shaped like x; cache: what relu_forward returned.
    Returns dx, shaped like x (0 where x <= 0)."""
    raise NotImplementedError
