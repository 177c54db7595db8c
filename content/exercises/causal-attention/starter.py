import numpy as np


def causal_attention(q, k, v):
    """Single-head causal (masked) self-attention.

    q, k: (T, d) queries and keys; v: (T, dv) values; float64.
    Row i of the scores q kᵀ / √d may only use keys j <= i (itself included);
    positions j > i get weight exactly 0. The softmax runs over the keys and must
    not overflow for large scores.
    Returns out, shape (T, dv): out[i] = Σ_j weights[i, j] v[j].
    """
    raise NotImplementedError
