# Mistake: subtracts the global maximum instead of each row's: a row far below it underflows to 0/0.
# expect: invalid value
import numpy as np


def softmax(z, axis=-1):
    e = np.exp(z - z.max())
    return e / e.sum(axis=axis, keepdims=True)
