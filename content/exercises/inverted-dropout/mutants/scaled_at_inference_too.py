# Mistake: scales by 1 − p at inference as well, where dropout must do nothing.
# expect: factor 0.7
# expect: nothing is scaled
import numpy as np


def dropout_forward(x, p, seed=0, train=True):
    mask = np.random.default_rng(seed).random(x.shape) > p
    if not train:
        return x * (1 - p), np.ones(x.shape, dtype=bool)
    if p == 1:
        return np.zeros_like(x), mask
    return x * mask / (1 - p), mask


def dropout_backward(dout, mask, p):
    return np.zeros_like(dout) if p == 1 else dout * mask / (1 - p)
