import numpy as np


def l2_penalty(W, lam):
    return float(0.5 * lam * np.sum(W * W))


def regularized_loss(W, b, X, y, lam):
    r = X @ W + b - y
    return float(np.mean(r * r)) + l2_penalty(W, lam)


def regularized_grad(W, b, X, y, lam):
    r = X @ W + b - y
    dW = 2.0 * (X.T @ r) / r.size + lam * W
    db = 2.0 * r.sum(axis=0) / r.size
    return dW, db
