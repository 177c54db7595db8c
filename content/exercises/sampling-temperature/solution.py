import numpy as np


def temperature_softmax(logits, T):
    z = logits / T
    z = z - np.max(z, axis=-1, keepdims=True)  # after dividing: z/T can be huge for tiny T
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def sample_tokens(logits, T, u):
    probs = temperature_softmax(logits, T)
    cdf = np.cumsum(probs, axis=-1)
    # Token i is chosen when cdf[i - 1] <= u < cdf[i]: count the CDF values <= u
    # (np.searchsorted(cdf_row, u_row, side="right") row by row does the same).
    ids = np.sum(cdf <= u[:, None], axis=-1)
    # Rounding can leave cdf[-1] a hair below 1: never return V.
    return np.minimum(ids, probs.shape[-1] - 1).astype(np.int64)
