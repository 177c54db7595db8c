# Mistake: gives column j the exponent j/d, so the cos of column 2i+1 uses (2i+1)/d instead of sharing its pair's 2i/d.
# expect: the same frequency
import numpy as np


def positional_encoding(T, d):
    pos = np.arange(T)[:, None]
    ang = pos / 10000.0 ** (np.arange(d) / d)
    pe = np.where(np.arange(d) % 2 == 0, np.sin(ang), np.cos(ang))
    return pe
