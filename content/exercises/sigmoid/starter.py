import numpy as np


def sigmoid(x):
    """σ(x) = 1 / (1 + exp(-x)), element-wise, stable for any x.

    x: float64 array of any shape. Returns a new array of the same shape.
    """
    raise NotImplementedError
