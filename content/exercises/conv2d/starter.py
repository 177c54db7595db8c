import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    """A 2-D convolutional layer's forward pass (cross-correlation, CS231n layout).

    x: (N, C, H, W) inputs; w: (F, C, HH, WW) filters; b: (F,) biases.
    Pad x with `pad` zeros on all four sides, slide each filter with step `stride`.
    Returns out of shape (N, F, H_out, W_out) with
    H_out = (H + 2*pad - HH) // stride + 1 and W_out = (W + 2*pad - WW) // stride + 1.
    """
    raise NotImplementedError
