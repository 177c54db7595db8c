# Mistake: spreads [-max|w|, max|w|] over 255 levels: scale = 2·max|w| / 255 instead of max|w| / 127.
# expect: scale also wrong
# expect: scale = max|w| / 127
import numpy as np


def quantize_int8(w):
    amax = float(np.max(np.abs(w)))
    scale = 2 * amax / 255.0 if amax > 0 else 1.0
    return np.clip(np.rint(w / scale), -127, 127).astype(np.int8), scale


def dequantize_int8(q, scale):
    return q.astype(np.float64) * scale
