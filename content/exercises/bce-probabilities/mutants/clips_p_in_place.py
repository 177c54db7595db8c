# Mistake: clips p in place with np.clip(p, eps, 1 - eps, out=p).
# expect: in place
# expect: p[0] was 0
import numpy as np


def binary_cross_entropy(p, y, eps=1e-7):
    np.clip(p, eps, 1 - eps, out=p)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def binary_cross_entropy_grad(p, y, eps=1e-7):
    return (p - y) / (p * (1 - p)) / p.size
