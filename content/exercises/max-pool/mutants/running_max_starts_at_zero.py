# Mistake: the running maximum starts at 0 instead of −∞ (or the first element), so a window of negative values gives 0.
# expect: all negative
import numpy as np


def max_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    H_out = (H - size) // stride + 1
    W_out = (W - size) // stride + 1
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            for p in range(size):
                for q in range(size):
                    out[:, :, i, j] = np.maximum(out[:, :, i, j], x[:, :, i * stride + p, j * stride + q])
    return out
