# Mistake: puts eps inside the square root, √(cache + eps), where kb (like CS231n and PyTorch) adds it outside.
# expect: w:
# expect: eps outside the square root
import numpy as np


def rmsprop_step(w, dw, cache, lr=1e-2, decay=0.99, eps=1e-8):
    cache = decay * cache + (1.0 - decay) * dw ** 2
    w = w - lr * dw / np.sqrt(cache + eps)
    return w, cache
