# Mistake: frequencies base^(−i/d) instead of base^(−2i/d).
# expect: base^(−2i/d)
import numpy as np


def apply_rope(x, positions, base=10000.0):
    T, d = x.shape
    theta = base ** (-np.arange(d // 2) / d)
    ang = positions[:, None] * theta[None, :]
    cos, sin = np.cos(ang), np.sin(ang)
    out = np.empty_like(x)
    out[:, 0::2] = x[:, 0::2] * cos - x[:, 1::2] * sin
    out[:, 1::2] = x[:, 0::2] * sin + x[:, 1::2] * cos
    return out
