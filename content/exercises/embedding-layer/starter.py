import numpy as np


def embedding_forward(ids, W):
    """ids: (N, T) int64 token ids in 0 … V−1; W: (V, D) embedding matrix.
    Returns (out, cache): out[n, t] = W[ids[n, t]], shape (N, T, D)."""
    raise NotImplementedError


def embedding_backward(dout, cache):
    """dout: (N, T, D) = dL/dout; cache: what embedding_forward returned.
    Returns dW, shape (V, D): each row is the sum of dout over every position using that id."""
    raise NotImplementedError
