import numpy as np


def _normalise(x, eps):
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    inv = 1.0 / np.sqrt(var + eps)
    return (x - mu) * inv, inv


def layernorm_forward(x, gamma, beta, eps=1e-5):
    xhat, _ = _normalise(x, eps)
    return gamma * xhat + beta


def layernorm_backward(dout, x, gamma, eps=1e-5):
    xhat, inv = _normalise(x, eps)
    d = x.shape[-1]
    dbeta = dout.reshape(-1, d).sum(axis=0)
    dgamma = (dout * xhat).reshape(-1, d).sum(axis=0)
    g = dout * gamma
    dx = (g - g.mean(axis=-1, keepdims=True) - xhat * (g * xhat).mean(axis=-1, keepdims=True)) * inv
    return dx, dgamma, dbeta
