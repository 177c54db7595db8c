# Mistake: windows start every `size` pixels (stride ignored when placing them), so overlapping windows (stride < size) come out wrong.
# expect: window (i, j) starts at row i·stride
# expect: overlap
import numpy as np


def max_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    H_out = (H - size) // stride + 1
    W_out = (W - size) // stride + 1
    out = np.empty((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * size:i * size + size, j * size:j * size + size]
            out[:, :, i, j] = window.max(axis=(2, 3))
    return out
