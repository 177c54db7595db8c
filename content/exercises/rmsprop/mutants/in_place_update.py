# Mistake: updates w and cache in place (cache *= decay; w -= ...), changing the caller's arrays.
# expect: changed its input
# expect: in place
import numpy as np


def rmsprop_step(w, dw, cache, lr=1e-2, decay=0.99, eps=1e-8):
    cache *= decay
    cache += (1.0 - decay) * dw ** 2
    w -= lr * dw / (np.sqrt(cache) + eps)
    return w, cache
