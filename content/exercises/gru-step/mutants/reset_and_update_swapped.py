# Mistake: the reset and update gates read from each other's columns (z from block 0, r from block 1).
# expect: reset gate r, H:2H to the update gate z
import numpy as np


def _sigmoid(a):
    # Stable for any a: exp() only ever sees -|a| <= 0.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def gru_step_forward(x, h_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    ax = x @ Wx + b  # (N, 3H): the blocks r | z | candidate
    r = _sigmoid(ax[:, H:2 * H] + h_prev @ Wh[:, H:2 * H])
    z = _sigmoid(ax[:, :H] + h_prev @ Wh[:, :H])
    h_tilde = np.tanh(ax[:, 2 * H:] + (r * h_prev) @ Wh[:, 2 * H:])
    return z * h_prev + (1.0 - z) * h_tilde
