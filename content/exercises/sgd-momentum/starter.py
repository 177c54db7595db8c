import numpy as np


def sgd_momentum_step(w, g, v, lr=0.01, beta=0.9):
    """One step of SGD with momentum (PyTorch form): v = beta*v + g; w = w - lr*v.

    Returns new arrays (w, v). Does not modify its inputs.
    """
    raise NotImplementedError
