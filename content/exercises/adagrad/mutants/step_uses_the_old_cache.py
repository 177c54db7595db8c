# Mistake: moves w with the old cache and only then adds dw² (wrong update order): the first step divides by eps alone.
# expect: w:
# expect: the updated cache
import numpy as np


def adagrad_step(w, dw, cache, lr=1e-2, eps=1e-8):
    w = w - lr * dw / (np.sqrt(cache) + eps)
    cache = cache + dw ** 2
    return w, cache
