import numpy as np


def mse(y_pred, y_true):
    diff = y_pred - y_true
    return float(np.mean(diff * diff))


def mse_grad(y_pred, y_true):
    return 2.0 * (y_pred - y_true) / y_pred.size
