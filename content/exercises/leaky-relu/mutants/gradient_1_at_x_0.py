# Mistake: the backward pass uses x >= 0, so the gradient at x = 0 is dout, not alpha·dout.
# expect: [2]
# expect: x = 0
# expect: alpha * dout
import numpy as np


def leaky_relu(x, alpha=0.01):
    return np.where(x > 0, x, alpha * x)


def leaky_relu_backward(dout, x, alpha=0.01):
    return np.where(x >= 0, dout, alpha * dout)
