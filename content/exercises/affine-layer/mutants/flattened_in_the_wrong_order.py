# Mistake: flattens each example with its axes reversed (x.T.reshape), so features are fed to the wrong rows of w.
# expect: out:
# expect: row-major


def affine_forward(x, w, b):
    N = x.shape[0]
    x2 = x.T.reshape(-1, N).T  # features in the wrong (column-major) order
    out = x2 @ w + b
    return out, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    N = x.shape[0]
    x2 = x.T.reshape(-1, N).T
    dx2 = dout @ w.T
    dx = dx2.T.reshape(x.T.shape).T
    return dx, x2.T @ dout, dout.sum(axis=0)
