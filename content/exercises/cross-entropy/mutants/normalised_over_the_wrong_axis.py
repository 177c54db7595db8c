# Mistake: normalises over axis 0 (the examples) instead of axis 1 (the classes).
# expect: cross_entropy: expected
# expect: softmax over its classes (axis 1)
import numpy as np


def cross_entropy(logits, labels):
    m = logits.max(axis=0, keepdims=True)
    lse = m + np.log(np.exp(logits - m).sum(axis=0, keepdims=True))
    logp = logits - lse
    return -np.mean(logp[np.arange(len(labels)), labels])
