# Mistake: writes row t into the caches it was given (in place) and returns them, as serving code does; two continuations of one prefix then overwrite each other.
# expect: changed its input k_cache in place
import numpy as np


def decode_step(x_t, Wq, Wk, Wv, k_cache, v_cache, t):
    q = x_t @ Wq
    k_cache[t] = x_t @ Wk
    v_cache[t] = x_t @ Wv
    s = k_cache[: t + 1] @ q / np.sqrt(q.shape[-1])
    w = np.exp(s - s.max())
    return w / w.sum() @ v_cache[: t + 1], k_cache, v_cache
