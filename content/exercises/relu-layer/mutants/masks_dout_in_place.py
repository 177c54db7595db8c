# Mistake: zeroes the blocked entries of dout in place (dx = dout; dx[x <= 0] = 0), changing the caller's dout.
# expect: changed its input dout in place
import numpy as np


def relu_forward(x):
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    dx = dout
    dx[cache <= 0] = 0.0
    return dx
