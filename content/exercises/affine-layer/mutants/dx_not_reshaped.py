# Mistake: dx is left with shape (N, D) instead of being reshaped back to x's shape (N, d1, …, dk).
# expect: dx
# expect: shape


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    x2 = x.reshape(x.shape[0], -1)
    return dout @ w.T, x2.T @ dout, dout.sum(axis=0)
