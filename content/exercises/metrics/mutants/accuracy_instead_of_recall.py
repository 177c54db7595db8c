# Mistake: computes accuracy (y_true == y_pred).mean() and calls it recall.
# expect: recall: expected 0.25, got 0.6
# expect: recall 0.25
import numpy as np


def precision_recall_f1(y_true, y_pred):
    tp = np.sum((y_true == 1) & (y_pred == 1))
    fp = np.sum((y_true == 0) & (y_pred == 1))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = float(np.mean(y_true == y_pred))
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f
