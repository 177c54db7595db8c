# Mistake: sums the per-example losses instead of averaging them.
# expect: 2 times
# expect: a sum where a mean was expected
import numpy as np


def cross_entropy(logits, labels):
    m = logits.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    return np.sum(lse - logits[np.arange(len(labels)), labels])
