# Mistake: penalty λ‖W‖² without the ½, so loss and gradient are twice too large.
# expect: 2 times
# expect: extra factor of 2
# expect: has the ½
import numpy as np


def l2_penalty(W, lam):
    return lam * np.sum(W ** 2)


def regularized_loss(W, b, X, y, lam):
    return np.mean((X @ W + b - y) ** 2) + l2_penalty(W, lam)


def regularized_grad(W, b, X, y, lam):
    r = X @ W + b - y
    return 2 * X.T @ r / r.size + 2 * lam * W, 2 * r.sum(0) / r.size
