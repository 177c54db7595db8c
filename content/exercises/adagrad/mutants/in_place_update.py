# Mistake: updates cache and w in place (cache += dw**2; w -= ...), changing the caller's arrays.
# expect: changed its input
# expect: in place
import numpy as np


def adagrad_step(w, dw, cache, lr=1e-2, eps=1e-8):
    cache += dw ** 2
    w -= lr * dw / (np.sqrt(cache) + eps)
    return w, cache
