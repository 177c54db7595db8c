# Mistake: ignores the alpha argument and always uses 0.01.
# expect: alpha = 0.2
# expect: not a fixed 0.01
import numpy as np


def leaky_relu(x, alpha=0.01):
    return np.where(x > 0, x, 0.01 * x)


def leaky_relu_backward(dout, x, alpha=0.01):
    return np.where(x > 0, dout, alpha * dout)
