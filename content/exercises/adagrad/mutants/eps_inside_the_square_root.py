# Mistake: puts eps inside the square root, √(cache + eps), where kb (like CS231n) adds it outside.
# expect: w:
# expect: eps outside the square root
import numpy as np


def adagrad_step(w, dw, cache, lr=1e-2, eps=1e-8):
    cache = cache + dw ** 2
    w = w - lr * dw / np.sqrt(cache + eps)
    return w, cache
