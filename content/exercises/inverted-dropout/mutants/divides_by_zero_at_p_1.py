# Mistake: divides by 1 − p even when p = 1 (0/0).
# expect: invalid value
# expect: p = 1
import numpy as np


def dropout_forward(x, p, seed=0, train=True):
    if not train:
        return x.copy(), np.ones(x.shape, dtype=bool)
    mask = np.random.default_rng(seed).random(x.shape) > p
    return x * mask / (1 - p), mask


def dropout_backward(dout, mask, p):
    return dout * mask / (1 - p)
