import numpy as np


def softmax_loss(scores, y):
    N = scores.shape[0]
    rows = np.arange(N)
    shifted = scores - scores.max(axis=1, keepdims=True)  # the largest score in each row becomes 0
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[rows, y].mean()
    dscores = np.exp(log_probs)  # the softmax probabilities
    dscores[rows, y] -= 1.0
    dscores /= N
    return float(loss), dscores
