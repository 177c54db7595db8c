# Mistake: scales the negative entries of x in place (x[x < 0] *= alpha) and returns x.
# expect: changed its input x
# expect: in place
import numpy as np


def leaky_relu(x, alpha=0.01):
    x[x < 0] *= alpha
    return x


def leaky_relu_backward(dout, x, alpha=0.01):
    return np.where(x > 0, dout, alpha * dout)
