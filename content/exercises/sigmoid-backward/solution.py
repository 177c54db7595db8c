import numpy as np


def sigmoid(x):
    """The reference forward pass (for the gradient check)."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_backward(dout, out):
    return dout * out * (1.0 - out)
