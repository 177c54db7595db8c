# Mistake: measures the negative log-likelihood in bits (log2) but exponentiates with e.
# expect: in nats
import numpy as np


def perplexity(logits, targets):
    m = np.max(logits, axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.sum(np.exp(logits - m), axis=1))
    nll_bits = (lse - logits[np.arange(len(targets)), targets]) / np.log(2.0)
    return float(np.exp(np.mean(nll_bits)))
