# Mistake: updates w and v in place, changing the caller's arrays.
# expect: changed its input
# expect: in place


def sgd_momentum_step(w, g, v, lr=0.01, beta=0.9):
    v *= beta; v += g
    w -= lr * v
    return w, v
