import numpy as np


def rms_norm(x, weight, eps=1e-6):
    """RMSNorm over the last axis: x / sqrt(mean(x²) + eps) * weight.

    x: (..., d) float64, e.g. (T, d) or (batch, T, d); weight: (d,), the learned gain.
    Each vector x[..., :] is divided by its own root mean square (eps inside the
    square root); the mean is NOT subtracted. Returns a new array shaped like x.
    """
    raise NotImplementedError
