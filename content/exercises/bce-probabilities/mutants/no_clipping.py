# Mistake: takes log(p) and log(1 - p) without clipping p away from 0 and 1.
# expect: divide by zero
# expect: log(0)
# expect: clipped
import numpy as np


def binary_cross_entropy(p, y, eps=1e-7):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def binary_cross_entropy_grad(p, y, eps=1e-7):
    return (p - y) / (p * (1 - p)) / p.size
