# Mistake: moves w with the old cache and only then updates the cache (wrong update order).
# expect: w:
# expect: the updated cache
import numpy as np


def rmsprop_step(w, dw, cache, lr=1e-2, decay=0.99, eps=1e-8):
    w = w - lr * dw / (np.sqrt(cache) + eps)
    cache = decay * cache + (1.0 - decay) * dw ** 2
    return w, cache
