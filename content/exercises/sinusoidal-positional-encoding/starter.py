import numpy as np


def positional_encoding(T, d):
    """The sinusoidal positional encoding of the original Transformer.

    T: number of positions (0 … T-1); d: model width, even.
    PE[p, 2i] = sin(p / 10000**(2i/d)), PE[p, 2i+1] = cos(p / 10000**(2i/d)).
    Returns a (T, d) float64 array.
    """
    raise NotImplementedError
