# Mistake: best starts at the first epoch's loss, so a NaN first epoch is never beaten.
# expect: start best at inf


def early_stopping(val_losses, patience, min_delta=0.0):
    best = float(val_losses[0])
    best_epoch = 0
    wait = 0
    for epoch, loss in enumerate(val_losses[1:], start=1):
        if loss < best - min_delta:
            best, best_epoch, wait = float(loss), epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1
