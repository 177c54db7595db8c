import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """Batch normalisation in training mode.

    x: (N, D) minibatch; gamma, beta: (D,) scale and shift. Each feature (column) is
    normalised with the batch mean and the biased batch variance over axis 0:
    xhat = (x − μ) / √(σ² + eps), out = gamma · xhat + beta.
    Returns (out, cache): out has shape (N, D); cache holds what the backward pass needs.
    """
    raise NotImplementedError


def batchnorm_backward(dout, cache):
    """dout: (N, D) = dL/dout; cache: what batchnorm_forward returned.
    Returns (dx, dgamma, dbeta), shaped (N, D), (D,), (D,)."""
    raise NotImplementedError
