# Mistake: relu zeroes the negative entries of x in place.
# expect: changed its input x
# expect: in place


def relu(x):
    x[x < 0] = 0
    return x


def relu_backward(dout, x):
    return dout * (x > 0)
