import numpy as np


def multi_head_attention(x, Wq, Wk, Wv, Wo, n_heads):
    """Causal multi-head self-attention of one sequence.

    x: (T, d_model); Wq, Wk, Wv, Wo: (d_model, d_model); n_heads divides d_model.
    Head h uses columns h*d_head ... (h+1)*d_head - 1 of x @ Wq, x @ Wk and x @ Wv,
    with d_head = d_model // n_heads, and causal attention scaled by √d_head.
    The heads' outputs are concatenated in order (T, d_model) and multiplied by Wo.
    Returns (T, d_model).
    """
    raise NotImplementedError
