import numpy as np


def decode_step(x_t, Wq, Wk, Wv, k_cache, v_cache, t):
    """One decoding step of single-head causal attention with a KV cache.

    x_t: (d_model,) the new token at position t; Wq, Wk: (d_model, d_k);
    Wv: (d_model, d_v); k_cache: (T_max, d_k), v_cache: (T_max, d_v), whose rows
    0 … t-1 hold the keys and values of the earlier tokens (rows t … T_max-1 are
    unused and may hold anything).
    Returns (out_t, k_cache, v_cache): out_t (d_v,) is the attention output of the
    new token over positions 0 … t (itself included), scaled by √d_k; the returned
    caches are NEW arrays, equal to the old ones with row t set to x_t Wk and x_t Wv.
    The caches passed in must not change.
    """
    raise NotImplementedError
