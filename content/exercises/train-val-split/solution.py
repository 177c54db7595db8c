import numpy as np


def train_val_split(X, y, val_fraction=0.2, seed=0):
    n = X.shape[0]
    perm = np.random.default_rng(seed).permutation(n)
    n_val = int(round(val_fraction * n))
    val, train = perm[:n_val], perm[n_val:]
    return X[train], X[val], y[train], y[val]


def standardize(X_train, X_val, eps=1e-8):
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    return (X_train - mean) / (std + eps), (X_val - mean) / (std + eps), mean, std
