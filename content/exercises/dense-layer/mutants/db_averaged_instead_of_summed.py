# Mistake: db averages dout over the batch instead of summing it.
# expect: db
# expect: 1/N
# expect: a mean where a sum was expected


def dense_forward(x, W, b):
    return x @ W + b


def dense_backward(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)
