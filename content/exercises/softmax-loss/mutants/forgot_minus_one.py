# Mistake: dscores = softmax / N, forgetting to subtract 1 at the correct class (the one-hot target).
# expect: dscores
# expect: sum to 0
import numpy as np


def softmax_loss(scores, y):
    N = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean()
    return float(loss), np.exp(log_probs) / N
