# Mistake: takes the validation rows from the end of the permutation, not the start.
# expect: X_train
# expect: first int(round(val_fraction·N)) indices
import numpy as np


def train_val_split(X, y, val_fraction=0.2, seed=0):
    perm = np.random.default_rng(seed).permutation(len(X))
    k = len(X) - int(round(val_fraction * len(X)))
    return X[perm[:k]], X[perm[k:]], y[perm[:k]], y[perm[k:]]


def standardize(X_train, X_val, eps=1e-8):
    m, s = X_train.mean(0), X_train.std(0)
    return (X_train - m) / (s + eps), (X_val - m) / (s + eps), m, s
