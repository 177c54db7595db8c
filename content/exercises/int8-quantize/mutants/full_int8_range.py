# Mistake: uses the full int8 range: scale = max|w| / 128 and clip to [-128, 127], so -128 appears and +max is clipped.
# expect: [-127, 127]
import numpy as np


def quantize_int8(w):
    amax = float(np.max(np.abs(w)))
    scale = amax / 128.0 if amax > 0 else 1.0
    return np.clip(np.rint(w / scale), -128, 127).astype(np.int8), scale


def dequantize_int8(q, scale):
    return q.astype(np.float64) * scale
