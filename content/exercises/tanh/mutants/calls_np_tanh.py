# Mistake: calls np.tanh, which the exercise asks you to implement.
# expect: numpy.tanh
# expect: implement
import numpy as np


def tanh(x):
    return np.tanh(x)
