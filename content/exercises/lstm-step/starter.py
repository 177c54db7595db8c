import numpy as np


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    """One step of an LSTM (CS231n layout).

    x: (N, D); h_prev, c_prev: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,).
    a = x @ Wx + h_prev @ Wh + b has four blocks of H columns, in this order:
    input gate i, forget gate f, output gate o (sigmoid), candidate g (tanh).
    Returns (h, c), both (N, H): c = f * c_prev + i * g and h = o * tanh(c).
    """
    raise NotImplementedError
