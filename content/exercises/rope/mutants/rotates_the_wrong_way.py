# Mistake: the signs of sin are swapped, so each pair rotates clockwise (by −angle).
# expect: counter-clockwise
import numpy as np


def apply_rope(x, positions, base=10000.0):
    T, d = x.shape
    theta = base ** (-2.0 * np.arange(d // 2) / d)
    ang = positions[:, None] * theta[None, :]
    cos, sin = np.cos(ang), np.sin(ang)
    out = np.empty_like(x)
    out[:, 0::2] = x[:, 0::2] * cos + x[:, 1::2] * sin
    out[:, 1::2] = -x[:, 0::2] * sin + x[:, 1::2] * cos
    return out
