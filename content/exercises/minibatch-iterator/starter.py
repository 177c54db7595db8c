import numpy as np


def minibatch_indices(n, batch_size, seed):
    """The indices 0..n-1, shuffled with np.random.default_rng(seed).permutation(n),
    cut into a list of 1-D integer arrays of batch_size (the last may be shorter)."""
    raise NotImplementedError
