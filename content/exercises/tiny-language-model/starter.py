import numpy as np


def lm_loss(params, ids, context=3):
    """Mean negative log-likelihood (nats) of each id given the `context` ids before it
    (0, the unknown mark, before the start). params: C (V, 16), W1 (context·16, 128),
    b1 (128,), W2 (128, V), b2 (V,); ids: int64 (N,). Returns a float."""
    raise NotImplementedError


def train_lm(ids, vocab_size, context=3, steps=2000, batch_size=128, lr=5e-3, seed=0):
    """Train the character-level MLP on ids (int64 (N,)) with Adam on random minibatches.
    Returns (params, history): params with keys C, W1, b1, W2, b2; history the mean
    minibatch loss of every step (`steps` numbers)."""
    raise NotImplementedError


def sample(params, start_ids, n, u, context=3):
    """n new ids after start_ids; the i-th drawn from P(next | the `context` ids before it)
    by inverse CDF with the uniform number u[i]. Returns int64 (n,)."""
    raise NotImplementedError
