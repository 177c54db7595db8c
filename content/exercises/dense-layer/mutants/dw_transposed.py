# Mistake: dW computed as dout.T @ x, the transpose of x.T @ dout.
# expect: dW
# expect: transpose


def dense_forward(x, W, b):
    return x @ W + b


def dense_backward(dout, x, W):
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)
