import numpy as np


def perplexity(logits, targets):
    """Perplexity of a language model on one sequence.

    logits: float64 array (T, V): the model's scores for the next token at each of
    T positions, over a vocabulary of V tokens.
    targets: int64 array (T,): the token that actually came next at each position.
    Returns exp(mean negative log-likelihood in nats) as a float.
    """
    raise NotImplementedError
