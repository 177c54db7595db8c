# Mistake: h = o ⊙ c: the tanh on the cell state is missing.
# expect: h:
# expect: h = o ⊙ tanh(c)
import numpy as np


def _sigmoid(a):
    # Stable for any a: exp() only ever sees -|a| <= 0.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    a = x @ Wx + h_prev @ Wh + b  # (N, 4H): the blocks i | f | o | g
    i = _sigmoid(a[:, :H])
    f = _sigmoid(a[:, H:2 * H])
    o = _sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    c = f * c_prev + i * g
    h = o * c
    return h, c
