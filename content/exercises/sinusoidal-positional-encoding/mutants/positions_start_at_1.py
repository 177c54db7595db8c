# Mistake: numbers the positions 1 … T instead of 0 … T−1.
# expect: position 0
import numpy as np


def positional_encoding(T, d):
    pos = np.arange(1, T + 1)[:, None]
    ang = pos / 10000.0 ** (np.arange(0, d, 2) / d)
    pe = np.empty((T, d))
    pe[:, 0::2] = np.sin(ang)
    pe[:, 1::2] = np.cos(ang)
    return pe
