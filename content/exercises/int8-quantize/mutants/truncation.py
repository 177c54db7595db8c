# Mistake: truncates towards zero (astype(int8) without rounding).
# expect: exact .5 ties
import numpy as np


def quantize_int8(w):
    amax = float(np.max(np.abs(w)))
    scale = amax / 127.0 if amax > 0 else 1.0
    return np.clip(w / scale, -127, 127).astype(np.int8), scale


def dequantize_int8(q, scale):
    return q.astype(np.float64) * scale
