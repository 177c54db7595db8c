# Mistake: the softmax normalises over axis 0 (the examples) instead of axis 1 (the classes).
# expect: softmax over its classes (axis 1)
import numpy as np


def softmax_loss(scores, y):
    N = scores.shape[0]
    shifted = scores - scores.max(axis=0, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean()
    d = np.exp(log_probs)
    d[np.arange(N), y] -= 1.0
    return float(loss), d / N
