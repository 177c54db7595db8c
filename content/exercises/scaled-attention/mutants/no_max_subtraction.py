# Mistake: softmax over the scores without subtracting the row maximum.
# expect: overflow
import numpy as np


def scaled_dot_product_attention(Q, K, V, mask=None):
    s = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None: s = np.where(mask, s, -1e9)
    w = np.exp(s); w = w / w.sum(-1, keepdims=True)
    return w @ V, w
