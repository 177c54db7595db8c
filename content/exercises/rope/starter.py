import numpy as np


def apply_rope(x, positions, base=10000.0):
    """Rotary position embedding, interleaved pairs (RoFormer).

    x: (T, d) float64 queries or keys, d even; positions: (T,) int64, the position of
    each row. Pair i of row t, (x[t, 2i], x[t, 2i+1]), is rotated counter-clockwise by
    the angle positions[t] * base**(-2i/d), i = 0 ... d/2 - 1.
    Returns a new (T, d) float64 array.
    """
    raise NotImplementedError
