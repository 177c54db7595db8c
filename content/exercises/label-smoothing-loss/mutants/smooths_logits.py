# Mistake: smooths the logits ((1 − eps)·z + eps / C) and takes the plain cross-entropy, instead of smoothing the target distribution.
# expect: smooth the target distribution
import numpy as np


def label_smoothing_cross_entropy(logits, targets, eps=0.1):
    N, C = logits.shape
    z = (1.0 - eps) * logits + eps / C
    m = np.max(z, axis=1, keepdims=True)
    log_p = z - m - np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))
    return float(np.mean(-log_p[np.arange(N), targets]))
