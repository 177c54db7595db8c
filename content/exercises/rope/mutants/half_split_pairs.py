# Mistake: pairs dimension i with dimension i + d/2 (the "half-split" layout of HF's Llama code) instead of 2i with 2i+1.
# expect: pairs (x[2i], x[2i+1])
import numpy as np


def apply_rope(x, positions, base=10000.0):
    T, d = x.shape
    theta = base ** (-2.0 * np.arange(d // 2) / d)
    ang = positions[:, None] * theta[None, :]
    cos, sin = np.cos(ang), np.sin(ang)
    a, b = x[:, : d // 2], x[:, d // 2:]
    return np.concatenate([a * cos - b * sin, a * sin + b * cos], axis=1)
