import numpy as np


def perplexity(logits, targets):
    # log-sum-exp of each row, with the row maximum subtracted inside the exp.
    m = np.max(logits, axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.sum(np.exp(logits - m), axis=1))
    # Negative log-likelihood (nats) of each target token: log Σ exp(z) − z_target.
    nll = lse - logits[np.arange(len(targets)), targets]
    return float(np.exp(np.mean(nll)))
