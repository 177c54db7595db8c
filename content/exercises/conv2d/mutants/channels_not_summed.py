# Mistake: the loop over input channels assigns (=) instead of accumulating (+=), so only the last channel counts.
# expect: sums over all C input channels
import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for c in range(C):
                for i in range(H_out):
                    for j in range(W_out):
                        window = xp[n, c, i * stride:i * stride + HH, j * stride:j * stride + WW]
                        out[n, f, i, j] = np.sum(window * w[f, c]) + b[f]
    return out
