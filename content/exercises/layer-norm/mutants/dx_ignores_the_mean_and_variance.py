# Mistake: dx = dout·γ / σ, ignoring that the mean and variance depend on x.
# expect: dx
# expect: wrong (> 1e-2)
import numpy as np


def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(-1, keepdims=True); var = x.var(-1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def layernorm_backward(dout, x, gamma, eps=1e-5):
    mu = x.mean(-1, keepdims=True); var = x.var(-1, keepdims=True)
    xhat = (x - mu) / np.sqrt(var + eps)
    d = x.shape[-1]
    return dout * gamma / np.sqrt(var + eps), (dout * xhat).reshape(-1, d).sum(0), dout.reshape(-1, d).sum(0)
