import numpy as np


def adagrad_step(w, dw, cache, lr=1e-2, eps=1e-8):
    """One AdaGrad update. w, dw, cache: float64 arrays of the same shape.

    cache ← cache + dw²;  w ← w − lr · dw / (√cache + eps).
    Returns new arrays (w, cache); the arrays passed in stay unchanged.
    """
    raise NotImplementedError
