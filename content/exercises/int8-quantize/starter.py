import numpy as np


def quantize_int8(w):
    """Symmetric per-tensor INT8 quantization.

    w: float64 array of any shape.
    Returns (q, scale): scale = max|w| / 127 (1.0 when w is all zeros), a float;
    q = round-half-to-even(w / scale) clipped to [-127, 127], an int8 array of w's shape.
    """
    raise NotImplementedError


def dequantize_int8(q, scale):
    """Back to float64: q · scale, an array of q's shape."""
    raise NotImplementedError
