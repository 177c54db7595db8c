# Mistake: exponentiates the total negative log-likelihood instead of its mean over the positions.
# expect: mean over the T positions
import numpy as np


def perplexity(logits, targets):
    m = np.max(logits, axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.sum(np.exp(logits - m), axis=1))
    nll = lse - logits[np.arange(len(targets)), targets]
    return float(np.exp(np.sum(nll)))
