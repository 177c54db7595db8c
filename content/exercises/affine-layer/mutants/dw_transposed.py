# Mistake: dw computed as dout.T @ x, the transpose of x.T @ dout (it only fits when D = M).
# expect: dw
# expect: transpose


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    x2 = x.reshape(x.shape[0], -1)
    return (dout @ w.T).reshape(x.shape), dout.T @ x2, dout.sum(axis=0)
