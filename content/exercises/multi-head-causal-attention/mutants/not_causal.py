# Mistake: no causal mask: every position attends to the whole sequence, future included.
# expect: no earlier position may attend to a later one
import numpy as np


def multi_head_attention(x, Wq, Wk, Wv, Wo, n_heads):
    T, D = x.shape
    dh = D // n_heads
    split = lambda a: a.reshape(T, n_heads, dh).transpose(1, 0, 2)
    q, k, v = split(x @ Wq), split(x @ Wk), split(x @ Wv)
    s = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
    w = np.exp(s - s.max(-1, keepdims=True))
    w = w / w.sum(-1, keepdims=True)
    return (w @ v).transpose(1, 0, 2).reshape(T, D) @ Wo
