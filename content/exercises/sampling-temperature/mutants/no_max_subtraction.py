# Mistake: no max subtraction: exp(logits / T) overflows for a small temperature.
# expect: overflow
import numpy as np


def temperature_softmax(logits, T):
    e = np.exp(logits / T)
    return e / np.sum(e, axis=-1, keepdims=True)


def sample_tokens(logits, T, u):
    cdf = np.cumsum(temperature_softmax(logits, T), axis=-1)
    return np.minimum(np.sum(cdf <= u[:, None], axis=-1), logits.shape[-1] - 1).astype(np.int64)
