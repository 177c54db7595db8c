# Mistake: the backward pass recomputes the statistics from a cached x with the default eps = 1e-5, not the eps the forward was given.
# expect: dx
# expect: eps the forward pass was given
import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    xhat = (x - mu) / np.sqrt(x.var(axis=0) + eps)
    return gamma * xhat + beta, (x, gamma)


def batchnorm_backward(dout, cache):
    x, gamma = cache
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + 1e-5)
    xhat = (x - x.mean(axis=0)) * inv_std
    dxhat = dout * gamma
    dx = inv_std * (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)
