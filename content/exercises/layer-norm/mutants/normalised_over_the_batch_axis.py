# Mistake: normalises over the batch axis (axis 0) instead of each row's features.
# expect: wrong axis
# expect: not each column
import numpy as np


def layernorm_forward(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta


def layernorm_backward(dout, x, gamma, eps=1e-5):
    raise NotImplementedError
