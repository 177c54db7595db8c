# Mistake: dW[ids] += dout: with fancy indexing a repeated id is written once, so its other gradients are lost.
# expect: dW
# expect: gradients add up
import numpy as np


def embedding_forward(ids, W):
    return W[ids], (ids, W.shape)


def embedding_backward(dout, cache):
    ids, shape = cache
    dW = np.zeros(shape)
    dW[ids] += dout
    return dW
