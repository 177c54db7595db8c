import numpy as np

C = np.sqrt(2.0 / np.pi)
A = 0.044715


def gelu(x):
    return 0.5 * x * (1.0 + np.tanh(C * (x + A * x ** 3)))


def gelu_backward(dout, x):
    t = np.tanh(C * (x + A * x ** 3))
    return dout * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * C * (1.0 + 3.0 * A * x ** 2))
