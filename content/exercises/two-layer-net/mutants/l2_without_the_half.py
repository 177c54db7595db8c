# Mistake: the L2 term without the ½: reg·(‖W1‖² + ‖W2‖²), with gradient 2·reg·W, where kb uses 0.5·reg·(‖W1‖² + ‖W2‖²).
# expect: loss:
# expect: 0.5·reg
import numpy as np


def _affine_forward(x, w, b):
    return x @ w + b, (x, w)


def _affine_backward(dout, cache):
    x, w = cache
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def _relu_forward(x):
    return np.maximum(x, 0.0), x


def _relu_backward(dout, cache):
    return dout * (cache > 0)


def _softmax_loss(scores, y):
    N = scores.shape[0]
    rows = np.arange(N)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[rows, y].mean()
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1.0
    return loss, dscores / N


def two_layer_net(X, y, W1, b1, W2, b2, reg=0.0):
    # forward: affine -> ReLU -> affine -> softmax cross-entropy
    a1, c1 = _affine_forward(X, W1, b1)
    h, c2 = _relu_forward(a1)
    scores, c3 = _affine_forward(h, W2, b2)
    data_loss, dscores = _softmax_loss(scores, y)
    loss = data_loss + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))  # biases not regularised

    # backward: the same layers in reverse order, then the L2 term's gradient reg·W
    dh, dW2, db2 = _affine_backward(dscores, c3)
    da1 = _relu_backward(dh, c2)
    _, dW1, db1 = _affine_backward(da1, c1)
    dW1 = dW1 + 2 * reg * W1
    dW2 = dW2 + 2 * reg * W2
    return float(loss), (dW1, db1, dW2, db2)
