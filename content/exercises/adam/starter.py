import numpy as np


def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update. t counts steps from 1.

    Returns new arrays (w, m, v); m and v are returned without bias correction.
    Does not modify its inputs.
    """
    raise NotImplementedError
