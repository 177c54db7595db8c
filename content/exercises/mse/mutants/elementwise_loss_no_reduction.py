# Mistake: returns the element-wise squared errors without taking the mean.
# expect: single number
# expect: reduce


def mse(y_pred, y_true):
    return (y_pred - y_true) ** 2


def mse_grad(y_pred, y_true):
    return 2 * (y_pred - y_true) / y_pred.size
