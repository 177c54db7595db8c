# Mistake: np.array_split into ceil(N / batch_size) parts: sizes balanced, not batch_size.
# expect: batch 2 has 2 indices
# expect: batch_size = 3
import numpy as np


def minibatch_indices(n, batch_size, seed):
    perm = np.random.default_rng(seed).permutation(n)
    return np.array_split(perm, int(np.ceil(n / batch_size)))
