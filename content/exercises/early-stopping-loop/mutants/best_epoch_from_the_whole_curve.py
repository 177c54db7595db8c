# Mistake: picks the best epoch from the whole curve, including epochs after the stop.
# expect: best_epoch: expected 1, got 5
# expect: never seen
import numpy as np


def early_stopping(val_losses, patience, min_delta=0.0):
    best = np.inf; wait = 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return int(np.nanargmin(val_losses)), epoch
    return int(np.nanargmin(val_losses)), len(val_losses) - 1
