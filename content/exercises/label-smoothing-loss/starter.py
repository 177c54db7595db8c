import numpy as np


def label_smoothing_cross_entropy(logits, targets, eps=0.1):
    """Cross-entropy against label-smoothed targets (the PyTorch convention).

    logits: float64 array (N, C); targets: int64 array (N,) of classes in 0 … C−1;
    eps: the smoothing, 0 ≤ eps < 1.
    With q = (1 − eps) · onehot(target) + eps / C, returns the mean over the N rows of
    −Σ_c q_c · log softmax(logits)_c as a float.
    """
    raise NotImplementedError
