# Mistake: adds the penalty to the loss but not its gradient λW to dW.
# expect: dW
# expect: wrong (> 1e-2)
import numpy as np


def l2_penalty(W, lam):
    return 0.5 * lam * np.sum(W ** 2)


def regularized_loss(W, b, X, y, lam):
    return np.mean((X @ W + b - y) ** 2) + l2_penalty(W, lam)


def regularized_grad(W, b, X, y, lam):
    r = X @ W + b - y
    return 2 * X.T @ r / r.size, 2 * r.sum(0) / r.size
