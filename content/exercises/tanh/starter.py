import numpy as np


def tanh(x):
    """tanh(x) = (e^x - e^-x) / (e^x + e^-x), element-wise, stable for any x.

    x: float64 array of any shape. Returns a new array of the same shape.
    np.tanh is not allowed in this exercise.
    """
    raise NotImplementedError
