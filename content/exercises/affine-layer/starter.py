import numpy as np


def affine_forward(x, w, b):
    """x: (N, d1, ..., dk), read as N rows of D = d1·…·dk numbers; w: (D, M); b: (M,).

    Returns (out, cache): out = x reshaped to (N, D) @ w + b, shape (N, M); cache holds
    whatever affine_backward will need.
    """
    raise NotImplementedError


def affine_backward(dout, cache):
    """dout: (N, M) = dL/dout; cache: what affine_forward returned.

    Returns (dx, dw, db), shaped like x (N, d1, ..., dk), w (D, M) and b (M,).
    """
    raise NotImplementedError
