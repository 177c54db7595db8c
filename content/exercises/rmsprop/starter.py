import numpy as np


def rmsprop_step(w, dw, cache, lr=1e-2, decay=0.99, eps=1e-8):
    """One RMSProp update. w, dw, cache: float64 arrays of the same shape.

    cache ← decay · cache + (1 − decay) · dw²;  w ← w − lr · dw / (√cache + eps).
    Returns new arrays (w, cache); the arrays passed in stay unchanged.
    """
    raise NotImplementedError
