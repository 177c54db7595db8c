import numpy as np


def adagrad_step(w, dw, cache, lr=1e-2, eps=1e-8):
    cache = cache + dw * dw                    # running sum of squared gradients
    w = w - lr * dw / (np.sqrt(cache) + eps)   # eps outside the square root
    return w, cache
