import numpy as np


def dropout_forward(x, p, seed=0, train=True):
    """Inverted dropout; p is the DROP probability.

    Training: mask = np.random.default_rng(seed).random(x.shape) > p (bool),
    out = x * mask / (1 - p); with p == 1, zeros. Inference: out = copy of x,
    mask all True. Returns (out, mask).
    """
    raise NotImplementedError


def dropout_backward(dout, mask, p):
    """dL/dx given dL/dout and the mask from the forward pass."""
    raise NotImplementedError
