# Mistake: cache = dw² replaces the history instead of adding to it, so every step has size about lr.
# expect: cache also wrong
# expect: sum of all squared gradients
import numpy as np


def adagrad_step(w, dw, cache, lr=1e-2, eps=1e-8):
    cache = dw ** 2
    w = w - lr * dw / (np.sqrt(cache) + eps)
    return w, cache
