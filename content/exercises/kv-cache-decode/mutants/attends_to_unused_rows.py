# Mistake: attends over the whole cache, including the unused rows after t (the future, or garbage).
# expect: positions 0 … t
import numpy as np


def decode_step(x_t, Wq, Wk, Wv, k_cache, v_cache, t):
    q = x_t @ Wq
    k_cache, v_cache = k_cache.copy(), v_cache.copy()
    k_cache[t] = x_t @ Wk
    v_cache[t] = x_t @ Wv
    s = k_cache @ q / np.sqrt(q.shape[-1])
    w = np.exp(s - s.max())
    return w / w.sum() @ v_cache, k_cache, v_cache
