# Mistake: np.searchsorted with the default side='left': a u that lands exactly on cdf[i] picks token i instead of i + 1.
# expect: exactly on a CDF value
import numpy as np


def temperature_softmax(logits, T):
    z = logits / T
    z = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def sample_tokens(logits, T, u):
    cdf = np.cumsum(temperature_softmax(logits, T), axis=-1)
    ids = np.array([np.searchsorted(cdf[b], u[b]) for b in range(len(u))], dtype=np.int64)
    return np.minimum(ids, logits.shape[-1] - 1)
