# Mistake: softmax without subtracting the row maximum, then log of the probability: exp(1e4) overflows.
# expect: overflow
import numpy as np


def perplexity(logits, targets):
    e = np.exp(logits)
    p = e / np.sum(e, axis=1, keepdims=True)
    return float(np.exp(np.mean(-np.log(p[np.arange(len(targets)), targets]))))
