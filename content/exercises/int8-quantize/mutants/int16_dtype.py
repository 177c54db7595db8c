# Mistake: returns q as int16 (or any dtype other than int8), which saves no memory over float16.
# expect: dtype int16, expected int8
import numpy as np


def quantize_int8(w):
    amax = float(np.max(np.abs(w)))
    scale = amax / 127.0 if amax > 0 else 1.0
    return np.clip(np.rint(w / scale), -127, 127).astype(np.int16), scale


def dequantize_int8(q, scale):
    return q.astype(np.float64) * scale
