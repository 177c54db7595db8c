import numpy as np


def rmsprop_step(w, dw, cache, lr=1e-2, decay=0.99, eps=1e-8):
    cache = decay * cache + (1.0 - decay) * (dw * dw)  # moving average of squared gradients
    w = w - lr * dw / (np.sqrt(cache) + eps)           # eps outside the square root
    return w, cache
