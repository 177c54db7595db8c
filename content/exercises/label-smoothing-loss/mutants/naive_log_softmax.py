# Mistake: log(softmax(z)) without subtracting the row maximum: exp(1000) overflows.
# expect: overflow
import numpy as np


def label_smoothing_cross_entropy(logits, targets, eps=0.1):
    N, C = logits.shape
    e = np.exp(logits)
    log_p = np.log(e / np.sum(e, axis=1, keepdims=True))
    q = np.full((N, C), eps / C)
    q[np.arange(N), targets] += 1.0 - eps
    return float(np.mean(-np.sum(q * log_p, axis=1)))
