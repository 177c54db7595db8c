# Mistake: sums the per-example losses instead of averaging them.
# expect: 4 times
# expect: a sum where a mean was expected
import numpy as np


def binary_cross_entropy(p, y, eps=1e-7):
    p = np.clip(p, eps, 1 - eps)
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))


def binary_cross_entropy_grad(p, y, eps=1e-7):
    return (p - y) / (p * (1 - p))
