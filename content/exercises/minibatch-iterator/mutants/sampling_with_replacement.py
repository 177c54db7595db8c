# Mistake: samples each batch with replacement instead of shuffling once per epoch.
# expect: appears
# expect: exactly one batch per epoch
import numpy as np


def minibatch_indices(n, batch_size, seed):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, n, min(batch_size, n - i)) for i in range(0, n, batch_size)]
