# Mistake: dx = dout·γ / √(σ² + eps), as if the batch mean and variance did not depend on x.
# expect: dx
# expect: wrong (> 1e-2)
import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


def batchnorm_backward(dout, cache):
    xhat, gamma, inv_std = cache
    dx = dout * gamma * inv_std
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)
