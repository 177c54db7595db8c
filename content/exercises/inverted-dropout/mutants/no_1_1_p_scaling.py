# Mistake: drops units but forgets to scale the survivors by 1 / (1 − p).
# expect: 0.0% of the values equal 1.25
# expect: 1 − p = 0.8
import numpy as np


def dropout_forward(x, p, seed=0, train=True):
    if not train:
        return x.copy(), np.ones(x.shape, dtype=bool)
    mask = np.random.default_rng(seed).random(x.shape) > p
    return x * mask, mask


def dropout_backward(dout, mask, p):
    return dout * mask
