import numpy as np


def minibatch_indices(n, batch_size, seed):
    perm = np.random.default_rng(seed).permutation(n)
    return [perm[i:i + batch_size] for i in range(0, n, batch_size)]
