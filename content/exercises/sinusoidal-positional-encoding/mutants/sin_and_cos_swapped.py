# Mistake: cos in the even columns and sin in the odd ones.
# expect: sin in the even columns
import numpy as np


def positional_encoding(T, d):
    pos = np.arange(T)[:, None]
    ang = pos / 10000.0 ** (np.arange(0, d, 2) / d)
    pe = np.empty((T, d))
    pe[:, 0::2] = np.cos(ang)
    pe[:, 1::2] = np.sin(ang)
    return pe
