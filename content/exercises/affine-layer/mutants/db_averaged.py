# Mistake: db averages dout over the batch instead of summing it (b is used by every row).
# expect: db
# expect: a mean where a sum was expected


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    x2 = x.reshape(x.shape[0], -1)
    return (dout @ w.T).reshape(x.shape), x2.T @ dout, dout.mean(axis=0)
