# Mistake: softmax without subtracting the maximum logit: exp(1000) overflows.
# expect: overflow
import numpy as np


def top_p_filter(logits, p):
    e = np.exp(logits)
    probs = e / np.sum(e, axis=-1, keepdims=True)
    order = np.argsort(-probs, axis=-1, kind="stable")
    sorted_p = np.take_along_axis(probs, order, axis=-1)
    keep_sorted = (np.cumsum(sorted_p, axis=-1) - sorted_p) < p
    keep = np.zeros_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, axis=-1)
    kept = np.where(keep, probs, 0.0)
    return kept / np.sum(kept, axis=-1, keepdims=True)
