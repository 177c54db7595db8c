# Mistake: logsumexp as log(sum(exp(z))) without the max shift: exp overflows.
# expect: overflow
import numpy as np


def logsumexp(z, axis=-1):
    return np.log(np.sum(np.exp(z), axis=axis))


def log_softmax(z, axis=-1):
    return z - np.expand_dims(logsumexp(z, axis), axis)
