# Mistake: no special case for an all-zero tensor: scale = 0 and w / scale is 0/0.
# expect: invalid value
import numpy as np


def quantize_int8(w):
    scale = float(np.max(np.abs(w))) / 127.0
    return np.clip(np.rint(w / scale), -127, 127).astype(np.int8), scale


def dequantize_int8(q, scale):
    return q.astype(np.float64) * scale
