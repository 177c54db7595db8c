import numpy as np


def embedding_forward(ids, W):
    out = W[ids]  # (N, T) ids pick rows of W (V, D): out is (N, T, D), a copy
    cache = (ids, W.shape)
    return out, cache


def embedding_backward(dout, cache):
    ids, shape = cache
    dW = np.zeros(shape, dtype=dout.dtype)
    # np.add.at accumulates: a row used k times receives the sum of its k gradients.
    np.add.at(dW, ids, dout)
    return dW
