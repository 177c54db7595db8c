# Mistake: the reset gate applied after the product, r ⊙ (h_prev Wh_h), as PyTorch's nn.GRU does, where this exercise asks for d2l's (r ⊙ h_prev) Wh_h.
# expect: (r ⊙ h_prev) Wh_h
import numpy as np


def _sigmoid(a):
    # Stable for any a: exp() only ever sees -|a| <= 0.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def gru_step_forward(x, h_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    ax = x @ Wx + b  # (N, 3H): the blocks r | z | candidate
    r = _sigmoid(ax[:, :H] + h_prev @ Wh[:, :H])
    z = _sigmoid(ax[:, H:2 * H] + h_prev @ Wh[:, H:2 * H])
    h_tilde = np.tanh(ax[:, 2 * H:] + r * (h_prev @ Wh[:, 2 * H:]))
    return z * h_prev + (1.0 - z) * h_tilde
