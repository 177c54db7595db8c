# Mistake: relu_backward uses x >= 0, so the gradient at x = 0 is dout instead of 0.
# expect: x = 0
# expect: [2]
import numpy as np


def relu(x):
    return np.maximum(x, 0)


def relu_backward(dout, x):
    return dout * (x >= 0)
