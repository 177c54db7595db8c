# Mistake: softmax without subtracting the row maximum: exp(1000) overflows.
# expect: overflow encountered in exp
import numpy as np


def cross_entropy(logits, labels):
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return -np.mean(np.log(p[np.arange(len(labels)), labels]))
