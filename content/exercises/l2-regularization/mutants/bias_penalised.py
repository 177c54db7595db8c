# Mistake: penalises the bias too: adds λ·b to db.
# expect: db
# expect: no λ term in db
import numpy as np


def l2_penalty(W, lam):
    return 0.5 * lam * np.sum(W ** 2)


def regularized_loss(W, b, X, y, lam):
    return np.mean((X @ W + b - y) ** 2) + l2_penalty(W, lam) + l2_penalty(b, lam)


def regularized_grad(W, b, X, y, lam):
    r = X @ W + b - y
    return 2 * X.T @ r / r.size + lam * W, 2 * r.sum(0) / r.size + lam * b
