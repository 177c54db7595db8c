# Mistake: exponentiates the raw scores without subtracting each row's maximum: exp(1e4) overflows.
# expect: overflow
import numpy as np


def softmax_loss(scores, y):
    N = scores.shape[0]
    e = np.exp(scores)
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(N), y]).mean()
    d = p.copy()
    d[np.arange(N), y] -= 1.0
    return float(loss), d / N
