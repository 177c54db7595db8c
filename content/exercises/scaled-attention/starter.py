import numpy as np


def scaled_dot_product_attention(Q, K, V, mask=None):
    """softmax(Q K^T / sqrt(d_k)) V over the last two axes, batched over the rest.

    mask: optional bool array broadcastable to (..., n_q, n_k); True = may attend,
    False = weight exactly 0. Returns (out, weights).
    """
    raise NotImplementedError
