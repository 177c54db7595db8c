# Mistake: rounds halves away from zero (floor(|x| + 0.5) with the sign) instead of to the nearest even integer.
# expect: exact .5 ties
import numpy as np


def quantize_int8(w):
    amax = float(np.max(np.abs(w)))
    scale = amax / 127.0 if amax > 0 else 1.0
    x = w / scale
    q = np.sign(x) * np.floor(np.abs(x) + 0.5)
    return np.clip(q, -127, 127).astype(np.int8), scale


def dequantize_int8(q, scale):
    return q.astype(np.float64) * scale
