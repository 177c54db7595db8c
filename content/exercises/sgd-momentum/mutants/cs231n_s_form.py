# Mistake: CS231n's form v = μv − lr·g with w + v, where kb's v = μv + g.
# expect: v:
# expect: factor -0.01


def sgd_momentum_step(w, g, v, lr=0.01, beta=0.9):
    v = beta * v - lr * g
    return w + v, v
