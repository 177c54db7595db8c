import numpy as np


def positional_encoding(T, d):
    pos = np.arange(T, dtype=np.float64)[:, None]       # (T, 1): positions 0 … T-1
    two_i = np.arange(0, d, 2, dtype=np.float64)         # 2i for each pair
    angles = pos / 10000.0 ** (two_i / d)                # (T, d/2)
    pe = np.empty((T, d), dtype=np.float64)
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe
