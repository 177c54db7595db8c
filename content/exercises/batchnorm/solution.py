import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)                    # batch mean of each feature, (D,)
    xc = x - mu
    var = (xc * xc).mean(axis=0)           # biased variance: divides by N
    inv_std = 1.0 / np.sqrt(var + eps)     # eps inside the square root
    xhat = xc * inv_std
    out = gamma * xhat + beta
    cache = (xhat, gamma, inv_std)
    return out, cache


def batchnorm_backward(dout, cache):
    xhat, gamma, inv_std = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    # The mean and the variance depend on every x in the column: two correction terms.
    dx = inv_std * (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0))
    return dx, dgamma, dbeta
