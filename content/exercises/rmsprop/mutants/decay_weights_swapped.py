# Mistake: swaps the weights of the moving average: (1 − decay)·cache + decay·dw², so the cache forgets almost everything.
# expect: w:
# expect: decay · cache
import numpy as np


def rmsprop_step(w, dw, cache, lr=1e-2, decay=0.99, eps=1e-8):
    cache = (1.0 - decay) * cache + decay * dw ** 2
    w = w - lr * dw / (np.sqrt(cache) + eps)
    return w, cache
