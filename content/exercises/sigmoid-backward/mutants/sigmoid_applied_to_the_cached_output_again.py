# Mistake: applies sigmoid to out again, though out is already σ(x).
# expect: dx
# expect: wrong (> 1e-2)
import numpy as np


def sigmoid_backward(dout, out):
    s = 1 / (1 + np.exp(-out))
    return dout * s * (1 - s)
