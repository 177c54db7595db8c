import numpy as np


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    """One step of a vanilla RNN.

    x: (N, D) inputs at this step; h_prev: (N, H) previous hidden state;
    Wx: (D, H); Wh: (H, H); b: (H,).
    Returns h = tanh(x @ Wx + h_prev @ Wh + b), shape (N, H).
    """
    raise NotImplementedError


def rnn_step_backward(dh, x, h_prev, Wx, Wh, b):
    """dh: (N, H) = dL/dh for the h that rnn_step_forward returns on these inputs.

    Returns (dx, dh_prev, dWx, dWh, db), shaped like x, h_prev, Wx, Wh and b.
    """
    raise NotImplementedError
