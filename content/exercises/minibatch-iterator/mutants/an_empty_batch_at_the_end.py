# Mistake: loops one batch too far, yielding an empty batch at the end.
# expect: last batch has 0 indices
# expect: empty batch
import numpy as np


def minibatch_indices(n, batch_size, seed):
    perm = np.random.default_rng(seed).permutation(n)
    return [perm[k * batch_size:(k + 1) * batch_size] for k in range(n // batch_size + 1)]
