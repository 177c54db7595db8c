import numpy as np


def early_stopping(val_losses, patience, min_delta=0.0):
    """Walk through the validation losses epoch by epoch (epochs count from 0).

    An epoch improves if its loss < best - min_delta (NaN never does); training
    stops at the epoch where `patience` epochs in a row have not improved.
    Returns (best_epoch, stop_epoch) as ints.
    """
    raise NotImplementedError
