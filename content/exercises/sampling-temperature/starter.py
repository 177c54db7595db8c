import numpy as np


def temperature_softmax(logits, T):
    """softmax(logits / T) over the last axis.

    logits: float64 array (V,) or (B, V); T: temperature, a number > 0 (as small as
    1e-4). Returns a new array of the same shape whose rows sum to 1.
    """
    raise NotImplementedError


def sample_tokens(logits, T, u):
    """Inverse-CDF sampling: one token id per row.

    logits: float64 array (B, V); T: temperature > 0; u: float64 array (B,) of
    uniform random numbers in [0, 1), one per row.
    Returns an int64 array (B,): for each row, the first token i whose cumulative
    probability cdf[i] = p[0] + … + p[i] is greater than u.
    """
    raise NotImplementedError
