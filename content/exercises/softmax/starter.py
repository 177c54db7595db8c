import numpy as np


def softmax(z, axis=-1):
    """exp(z) / sum(exp(z)) along `axis`, stable for large |z|.

    z: float64 array of any shape. Returns a new array of the same shape whose
    values along `axis` are positive and sum to 1.
    """
    raise NotImplementedError
