# Mistake: normalises the weights over the queries (axis -2) instead of the keys.
# expect: weights
# expect: wrong axis
import numpy as np


def scaled_dot_product_attention(Q, K, V, mask=None):
    s = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None: s = np.where(mask, s, -np.inf)
    s = s - s.max(-2, keepdims=True); w = np.exp(s); w = w / w.sum(-2, keepdims=True)
    return w @ V, w
