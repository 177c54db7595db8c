# Mistake: sums only the axes broadcasting added in front, not the size-1 axes it stretched.
# expect: stretched
import numpy as np


def unbroadcast(grad, shape):
    extra = grad.ndim - len(shape)
    return grad.sum(axis=tuple(range(extra))).astype(np.float64)
