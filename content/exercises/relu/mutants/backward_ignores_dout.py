# Mistake: relu_backward returns the 0/1 mask and forgets to multiply by dout.
# expect: relu_backward:
# expect: it is dout where x > 0
import numpy as np


def relu(x):
    return np.maximum(x, 0.0)


def relu_backward(dout, x):
    return (x > 0).astype(float)
