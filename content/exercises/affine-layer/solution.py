

def affine_forward(x, w, b):
    x2 = x.reshape(x.shape[0], -1)  # (N, d1, ..., dk) -> (N, D)
    out = x2 @ w + b
    cache = (x, w)
    return out, cache


def affine_backward(dout, cache):
    x, w = cache
    x2 = x.reshape(x.shape[0], -1)
    dx = (dout @ w.T).reshape(x.shape)
    dw = x2.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db
