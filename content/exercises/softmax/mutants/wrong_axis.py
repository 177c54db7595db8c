# Mistake: normalises over axis 0 instead of the axis it is given.
# expect: wrong axis
# expect: sum to 1
import numpy as np


def softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
