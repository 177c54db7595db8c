# Mistake: starts from np.zeros(..., dtype=int), so the result is int64.
# expect: dtype int64, expected float64
import numpy as np


def one_hot(labels, num_classes):
    out = np.zeros((len(labels), num_classes), dtype=int)
    out[np.arange(len(labels)), labels] = 1
    return out
