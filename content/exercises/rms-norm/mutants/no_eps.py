# Mistake: forgets eps, so an all-zero vector divides 0 by 0.
# expect: invalid value
import numpy as np


def rms_norm(x, weight, eps=1e-6):
    return x / np.sqrt(np.mean(x ** 2, axis=-1, keepdims=True)) * weight
