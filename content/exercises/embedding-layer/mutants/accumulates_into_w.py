# Mistake: accumulates the gradients into W itself (np.add.at(W, ...)) instead of a new zero array, changing the weights and returning W + dW.
# expect: changed its input W in place
# expect: never into W
import numpy as np


def embedding_forward(ids, W):
    return W[ids], (ids, W)


def embedding_backward(dout, cache):
    ids, W = cache
    np.add.at(W, ids, dout)
    return W
