# Mistake: divides each row's accumulated gradient by how often its id occurs, a mean where a sum is needed.
# expect: dW
# expect: gradients add up
import numpy as np


def embedding_forward(ids, W):
    return W[ids], (ids, W.shape)


def embedding_backward(dout, cache):
    ids, shape = cache
    dW = np.zeros(shape)
    np.add.at(dW, ids, dout)
    counts = np.bincount(ids.ravel(), minlength=shape[0])
    return dW / np.maximum(counts, 1)[:, None]
