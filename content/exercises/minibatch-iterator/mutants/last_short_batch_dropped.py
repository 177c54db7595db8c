# Mistake: drops the last, shorter batch.
# expect: never appear
# expect: last, shorter batch dropped
import numpy as np


def minibatch_indices(n, batch_size, seed):
    perm = np.random.default_rng(seed).permutation(n)
    return [perm[k * batch_size:(k + 1) * batch_size] for k in range(n // batch_size)]
