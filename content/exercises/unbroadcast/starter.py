import numpy as np


def unbroadcast(grad, shape):
    """The gradient of an input of shape `shape` that NumPy broadcast to grad.shape.

    grad: float64 array, the gradient of the broadcast result. shape: a tuple of ints
    that broadcasts to grad.shape. Returns a new float64 array of exactly `shape`.
    """
    raise NotImplementedError
