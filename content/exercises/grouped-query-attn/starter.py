import numpy as np


def grouped_query_attention(q, k, v, n_kv_heads):
    """Causal grouped-query attention of one sequence.

    q: (H, T, d) queries of H heads; k, v: (n_kv_heads, T, d) keys and values;
    n_kv_heads divides H. Query head h uses kv head h // (H // n_kv_heads).
    Each head runs causal attention scaled by √d (d = the head size).
    Returns (H, T, d).
    """
    raise NotImplementedError
