# Mistake: sums the per-example losses instead of averaging them (the gradient is averaged correctly).
# expect: loss
# expect: a sum where a mean was expected
import numpy as np


def softmax_loss(scores, y):
    N = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].sum()
    d = np.exp(log_probs)
    d[np.arange(N), y] -= 1.0
    return float(loss), d / N
