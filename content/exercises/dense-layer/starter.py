import numpy as np


def dense_forward(x, W, b):
    """x: (N, D), W: (D, M), b: (M,). Returns x @ W + b, shape (N, M)."""
    raise NotImplementedError


def dense_backward(dout, x, W):
    """dout: (N, M) = dL/dy. Returns (dx, dW, db) shaped like x, W and b."""
    raise NotImplementedError
