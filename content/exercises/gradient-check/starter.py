import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Centred differences of the scalar function f at x, one element at a time.

    Returns an array of x's shape. x must be exactly unchanged afterwards.
    """
    raise NotImplementedError


def relative_error(a, b):
    """max |a - b| / max(1e-8, |a| + |b|) over all elements, as a float."""
    raise NotImplementedError


def gradient_check(f, grad_f, x, h=1e-5):
    """Relative error between grad_f(x) and the numerical gradient of f at x."""
    raise NotImplementedError
