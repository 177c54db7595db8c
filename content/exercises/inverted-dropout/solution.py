import numpy as np


def dropout_forward(x, p, seed=0, train=True):
    if not train:
        return x.copy(), np.ones(x.shape, dtype=bool)
    mask = np.random.default_rng(seed).random(x.shape) > p
    if p >= 1.0:
        return np.zeros_like(x), mask
    return x * mask / (1.0 - p), mask


def dropout_backward(dout, mask, p):
    if p >= 1.0:
        return np.zeros_like(dout)
    return dout * mask / (1.0 - p)


def dropout_with_mask(x, mask, p):
    """The forward pass with a fixed mask (for the gradient check)."""
    return dropout_backward(x, mask, p)
