# Mistake: uses np.arange(T) as the positions, ignoring the positions argument (wrong as soon as a sequence does not start at 0, as with a KV cache).
# expect: positions argument
import numpy as np


def apply_rope(x, positions, base=10000.0):
    T, d = x.shape
    theta = base ** (-2.0 * np.arange(d // 2) / d)
    ang = np.arange(T)[:, None] * theta[None, :]
    cos, sin = np.cos(ang), np.sin(ang)
    out = np.empty_like(x)
    out[:, 0::2] = x[:, 0::2] * cos - x[:, 1::2] * sin
    out[:, 1::2] = x[:, 0::2] * sin + x[:, 1::2] * cos
    return out
