# Mistake: averages the gradient itself instead of its square, so the cache can go negative and √cache is NaN.
# expect: invalid value
import numpy as np


def rmsprop_step(w, dw, cache, lr=1e-2, decay=0.99, eps=1e-8):
    cache = decay * cache + (1.0 - decay) * dw
    w = w - lr * dw / (np.sqrt(cache) + eps)
    return w, cache
