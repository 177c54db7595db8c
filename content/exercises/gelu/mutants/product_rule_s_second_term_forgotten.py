# Mistake: the backward pass forgets the product rule's second term, x·Φ'(x).
# expect: dx
# expect: wrong (> 1e-2)
import numpy as np


def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def gelu_backward(dout, x):
    t = np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))
    return dout * 0.5 * (1 + t)
