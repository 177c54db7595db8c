import numpy as np


def binary_cross_entropy(p, y, eps=1e-7):
    """Mean binary cross-entropy of probabilities p (clipped to [eps, 1 - eps])
    against labels y of the same shape. Returns a float."""
    raise NotImplementedError


def binary_cross_entropy_grad(p, y, eps=1e-7):
    """dL/dp for the mean loss above, shaped like p (eps < p < 1 - eps)."""
    raise NotImplementedError
