# Mistake: the gradient forgets the 2 from differentiating the square.
# expect: factor 0.5
# expect: missing factor of 2
import numpy as np


def mse(y_pred, y_true):
    return np.mean((y_pred - y_true) ** 2)


def mse_grad(y_pred, y_true):
    return (y_pred - y_true) / y_pred.size
