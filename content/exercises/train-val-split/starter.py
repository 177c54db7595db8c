import numpy as np


def train_val_split(X, y, val_fraction=0.2, seed=0):
    """Shuffle rows with np.random.default_rng(seed).permutation(N); the first
    int(round(val_fraction * N)) indices are validation, the rest training.

    Returns (X_train, X_val, y_train, y_val).
    """
    raise NotImplementedError


def standardize(X_train, X_val, eps=1e-8):
    """(X - mean) / (std + eps) for both sets, mean and std (per feature, ddof=0)
    from X_train only. Returns (X_train_std, X_val_std, mean, std)."""
    raise NotImplementedError
