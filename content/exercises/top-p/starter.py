import numpy as np


def top_p_filter(logits, p):
    """Top-p (nucleus) filtering over the last axis.

    logits: float64 array (V,) or (B, V), raw scores over a vocabulary of V tokens.
    p: a number in (0, 1].
    Returns a new float64 array of the same shape: the softmax probabilities with
    every token outside the nucleus set to 0, renormalised so that each row sums to 1.
    The nucleus is the smallest set of most probable tokens whose total probability
    reaches p (the token that crosses p is kept).
    """
    raise NotImplementedError
