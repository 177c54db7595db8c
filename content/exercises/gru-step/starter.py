import numpy as np


def gru_step_forward(x, h_prev, Wx, Wh, b):
    """One step of a GRU (d2l's formulation, CS231n's row layout).

    x: (N, D); h_prev: (N, H); Wx: (D, 3H); Wh: (H, 3H); b: (3H,).
    Columns 0:H belong to the reset gate r, H:2H to the update gate z,
    2H:3H to the candidate state.
      r = sigmoid(x Wx_r + h_prev Wh_r + b_r)
      z = sigmoid(x Wx_z + h_prev Wh_z + b_z)
      h_tilde = tanh(x Wx_h + (r * h_prev) Wh_h + b_h)
      h = z * h_prev + (1 - z) * h_tilde
    Returns h, shape (N, H).
    """
    raise NotImplementedError
