# Mistake: adds eps to the root mean square instead of inside the square root.
# expect: eps inside the square root
import numpy as np


def rms_norm(x, weight, eps=1e-6):
    return x / (np.sqrt(np.mean(x ** 2, axis=-1, keepdims=True)) + eps) * weight
