import numpy as np


def l2_penalty(W, lam):
    """(lam / 2) * sum(W ** 2), as a float."""
    raise NotImplementedError


def regularized_loss(W, b, X, y, lam):
    """mean((X @ W + b - y) ** 2) over all elements + l2_penalty(W, lam).
    The bias b is not penalised."""
    raise NotImplementedError


def regularized_grad(W, b, X, y, lam):
    """(dW, db): gradients of regularized_loss, shaped like W and b."""
    raise NotImplementedError
