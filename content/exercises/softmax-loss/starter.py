import numpy as np


def softmax_loss(scores, y):
    """scores: (N, C) float64 class scores (logits); y: (N,) int64 labels in 0 … C−1.

    Returns (loss, dscores): loss is the mean over the N rows of −log softmax(scores)[i, y[i]]
    (a float); dscores = ∂loss/∂scores, shape (N, C).
    """
    raise NotImplementedError
