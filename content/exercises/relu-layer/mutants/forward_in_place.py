# Mistake: clips x in place (x[x < 0] = 0) in the forward pass, changing the caller's x.
# expect: changed its input x


def relu_forward(x):
    x[x < 0] = 0.0
    return x, x


def relu_backward(dout, cache):
    return dout * (cache > 0)
