# Mistake: update order: steps w with the old velocity before updating v.
# expect: w:
# expect: w − lr·g


def sgd_momentum_step(w, g, v, lr=0.01, beta=0.9):
    return w - lr * v, beta * v + g
