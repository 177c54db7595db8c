# Mistake: sums the per-example losses instead of averaging them.
# expect: a sum where a mean was expected
import numpy as np


def bce_with_logits(z, y):
    return np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
