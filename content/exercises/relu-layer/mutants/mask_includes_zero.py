# Mistake: the mask x >= 0 lets the gradient through at x = 0, where kb's convention (and CS231n's) gives 0.
# expect: relu_chain
# expect: x = 0
import numpy as np


def relu_forward(x):
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    return dout * (cache >= 0)
