# Mistake: a sign typo in the second line: (x₀ cos − x₁ sin, −x₀ sin + x₁ cos) is no rotation, so scores depend on absolute positions.
# expect: depend only on the offset m − n
import numpy as np


def apply_rope(x, positions, base=10000.0):
    T, d = x.shape
    theta = base ** (-2.0 * np.arange(d // 2) / d)
    ang = positions[:, None] * theta[None, :]
    cos, sin = np.cos(ang), np.sin(ang)
    out = np.empty_like(x)
    out[:, 0::2] = x[:, 0::2] * cos - x[:, 1::2] * sin
    out[:, 1::2] = -x[:, 0::2] * sin + x[:, 1::2] * cos
    return out
