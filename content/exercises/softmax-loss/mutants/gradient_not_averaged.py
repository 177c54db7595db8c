# Mistake: the loss is a mean over the N rows, but dscores is not divided by N.
# expect: dscores
# expect: a sum where a mean was expected
import numpy as np


def softmax_loss(scores, y):
    N = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean()
    d = np.exp(log_probs)
    d[np.arange(N), y] -= 1.0
    return float(loss), d
