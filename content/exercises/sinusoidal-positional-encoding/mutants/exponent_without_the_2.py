# Mistake: the exponent of pair i is i/d instead of 2i/d.
# expect: 10000^(2i/d)
import numpy as np


def positional_encoding(T, d):
    pos = np.arange(T)[:, None]
    ang = pos / 10000.0 ** (np.arange(d // 2) / d)
    pe = np.empty((T, d))
    pe[:, 0::2] = np.sin(ang)
    pe[:, 1::2] = np.cos(ang)
    return pe
