# Mistake: logsumexp returns the reduced axis with keepdims=True.
# expect: shape (2, 1), expected (2,)
# expect: keepdims
import numpy as np


def logsumexp(z, axis=-1):
    m = np.max(z, axis=axis, keepdims=True)
    return m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))


def log_softmax(z, axis=-1):
    return z - logsumexp(z, axis)
