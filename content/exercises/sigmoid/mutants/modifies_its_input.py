# Mistake: writes the result into x in place and returns it.
# expect: changed its input x
# expect: in place
import numpy as np


def sigmoid(x):
    e = np.exp(-np.abs(x))
    x[...] = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return x
