# Mistake: multiplies by the gain before normalising, so the gain is divided out again.
# expect: multiplied by weight after
import numpy as np


def rms_norm(x, weight, eps=1e-6):
    y = x * weight
    return y / np.sqrt(np.mean(y ** 2, axis=-1, keepdims=True) + eps)
