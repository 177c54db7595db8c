# Mistake: scales the scores by 1/d_k instead of 1/√d_k.
# expect: out:
# expect: √d_k
import numpy as np


def scaled_dot_product_attention(Q, K, V, mask=None):
    s = Q @ np.swapaxes(K, -1, -2) / Q.shape[-1]
    if mask is not None: s = np.where(mask, s, -np.inf)
    s = s - s.max(-1, keepdims=True); w = np.exp(s); w /= w.sum(-1, keepdims=True)
    return w @ V, w
