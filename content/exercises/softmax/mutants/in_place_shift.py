# Mistake: subtracts the maximum from z in place (z -= ...).
# expect: changed its input z
# expect: in place
import numpy as np


def softmax(z, axis=-1):
    z -= z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)
