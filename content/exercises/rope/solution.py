import numpy as np


def apply_rope(x, positions, base=10000.0):
    T, d = x.shape
    i = np.arange(d // 2)
    theta = base ** (-2.0 * i / d)                    # (d/2,) frequencies
    angles = positions[:, None] * theta[None, :]     # (T, d/2): position · θ_i
    cos, sin = np.cos(angles), np.sin(angles)
    even, odd = x[:, 0::2], x[:, 1::2]               # the pairs (x[2i], x[2i+1])
    out = np.empty_like(x, dtype=np.float64)
    out[:, 0::2] = even * cos - odd * sin
    out[:, 1::2] = even * sin + odd * cos
    return out
