import numpy as np


def sigmoid(x):
    e = np.exp(-np.abs(x))  # never overflows: exponent <= 0
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
