# Mistake: masks by multiplying with infinity, so 0·inf gives NaN.
# expect: invalid value
# expect: multiply infinity by 0
import numpy as np


def scaled_dot_product_attention(Q, K, V, mask=None):
    s = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None: s = s + (~mask) * -np.inf
    s = s - s.max(-1, keepdims=True); w = np.exp(s); w /= w.sum(-1, keepdims=True)
    return w @ V, w
