# Mistake: a loop that assigns dW[ids[n, t]] = dout[n, t] instead of adding, so the last occurrence of an id wins.
# expect: dW
# expect: gradients add up
import numpy as np


def embedding_forward(ids, W):
    return W[ids], (ids, W.shape)


def embedding_backward(dout, cache):
    ids, shape = cache
    dW = np.zeros(shape)
    N, T = ids.shape
    for n in range(N):
        for t in range(T):
            dW[ids[n, t]] = dout[n, t]
    return dW
