# Mistake: subtracts the mean first, which is layer normalization, not RMSNorm.
# expect: never subtracts the mean
import numpy as np


def rms_norm(x, weight, eps=1e-6):
    xc = x - x.mean(axis=-1, keepdims=True)
    return xc / np.sqrt(np.mean(xc ** 2, axis=-1, keepdims=True) + eps) * weight
