# Mistake: the maximum is taken over the channels too (axis 1 reduced with the window), so every channel gets the same value.
# expect: each channel is pooled on its own
import numpy as np


def max_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    H_out = (H - size) // stride + 1
    W_out = (W - size) // stride + 1
    out = np.empty((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size]
            out[:, :, i, j] = window.max(axis=(1, 2, 3))[:, None]
    return out
