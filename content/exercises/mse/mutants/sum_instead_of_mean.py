# Mistake: sums the squared errors instead of averaging them.
# expect: 4 times
# expect: a sum where a mean was expected
import numpy as np


def mse(y_pred, y_true):
    return np.sum((y_pred - y_true) ** 2)


def mse_grad(y_pred, y_true):
    return 2 * (y_pred - y_true) / y_pred.size
