# Mistake: exponentiates the mean probability of the targets instead of the mean negative log-likelihood.
# expect: negative log-likelihood
import numpy as np


def perplexity(logits, targets):
    m = np.max(logits, axis=1, keepdims=True)
    e = np.exp(logits - m)
    p = e / np.sum(e, axis=1, keepdims=True)
    return float(np.exp(np.mean(p[np.arange(len(targets)), targets])))
