# Mistake: uses the exact erf form where the exercise asks for the tanh approximation.
# expect: tanh approximation
# expect: 5e-4
import numpy as np
import math
erf = np.vectorize(math.erf)


def gelu(x):
    return 0.5 * x * (1 + erf(x / np.sqrt(2)))


def gelu_backward(dout, x):
    return dout * (0.5 * (1 + erf(x / np.sqrt(2))) + x * np.exp(-x * x / 2) / np.sqrt(2 * np.pi))
