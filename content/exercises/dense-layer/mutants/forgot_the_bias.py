# Mistake: the forward pass forgets to add the bias b.
# expect: dense_forward:
# expect: b must be added to every row


def dense_forward(x, W, b):
    return x @ W


def dense_backward(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)
