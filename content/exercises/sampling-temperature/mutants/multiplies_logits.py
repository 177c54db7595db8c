# Mistake: multiplies the logits by T, so a low temperature flattens the distribution instead of sharpening it.
# expect: divide the logits by T
import numpy as np


def temperature_softmax(logits, T):
    z = logits * T
    z = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def sample_tokens(logits, T, u):
    cdf = np.cumsum(temperature_softmax(logits, T), axis=-1)
    return np.minimum(np.sum(cdf <= u[:, None], axis=-1), logits.shape[-1] - 1).astype(np.int64)
