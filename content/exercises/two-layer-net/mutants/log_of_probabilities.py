# Mistake: subtracts the row maximum but takes the log of the probabilities: a correct class losing by thousands has probability 0 and log(0).
# expect: divide by zero encountered in log
import numpy as np
def two_layer_net(X, y, W1, b1, W2, b2, reg=0.0):
    N = X.shape[0]
    a = X @ W1 + b1
    h = np.maximum(0, a)
    s = h @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    p = np.exp(s); p /= p.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(N), y])) + 0.5 * reg * (np.sum(W1**2) + np.sum(W2**2))
    ds = p.copy(); ds[np.arange(N), y] -= 1; ds /= N
    dW2 = h.T @ ds + reg * W2; db2 = ds.sum(0)
    dh = ds @ W2.T; dh[a <= 0] = 0
    dW1 = X.T @ dh + reg * W1; db1 = dh.sum(0)
    return loss, [dW1, db1, dW2, db2]
