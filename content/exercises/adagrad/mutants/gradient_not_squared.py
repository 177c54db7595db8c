# Mistake: accumulates |dw| instead of dw², so the step divides by √Σ|dw| instead of √Σdw².
# expect: cache also wrong
# expect: sum of all squared gradients
import numpy as np


def adagrad_step(w, dw, cache, lr=1e-2, eps=1e-8):
    cache = cache + np.abs(dw)
    w = w - lr * dw / (np.sqrt(cache) + eps)
    return w, cache
