import numpy as np


def label_smoothing_cross_entropy(logits, targets, eps=0.1):
    N, C = logits.shape
    # Stable log-softmax of each row.
    m = np.max(logits, axis=1, keepdims=True)
    log_p = logits - m - np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True))
    # Smoothed target distribution: (1 − eps) on the label plus eps / C everywhere.
    q = np.full((N, C), eps / C)
    q[np.arange(N), targets] += 1.0 - eps
    return float(np.mean(-np.sum(q * log_p, axis=1)))
