import numpy as np


def train(X, y, epochs=100, batch_size=10, lr=1e-3, seed=0):
    """Train Dense(10, relu) -> Dense(1, sigmoid) with binary cross-entropy and Adam.

    X: float64 (N, 8), standardised. y: float64 (N,) of 0/1.
    Returns (params, history): params = {"W1": (8, 10), "b1": (10,),
    "W2": (10, 1), "b2": (1,)}; history = mean training loss of each epoch.
    """
    raise NotImplementedError
