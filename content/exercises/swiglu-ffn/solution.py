import numpy as np


def silu(z):
    # z * sigmoid(z), with sigmoid(z) = exp(-log(1 + exp(-z))): no exp of a large positive number
    return z * np.exp(-np.logaddexp(0.0, -z))


def swiglu(x, W, V, W2):
    return (silu(x @ W) * (x @ V)) @ W2
