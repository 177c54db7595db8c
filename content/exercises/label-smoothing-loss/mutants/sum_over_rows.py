# Mistake: sums the per-example losses instead of averaging them over the N rows.
# expect: a sum where a mean was expected
import numpy as np


def label_smoothing_cross_entropy(logits, targets, eps=0.1):
    N, C = logits.shape
    m = np.max(logits, axis=1, keepdims=True)
    log_p = logits - m - np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True))
    q = np.full((N, C), eps / C)
    q[np.arange(N), targets] += 1.0 - eps
    return float(np.sum(-np.sum(q * log_p, axis=1)))
