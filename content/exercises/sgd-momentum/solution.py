

def sgd_momentum_step(w, g, v, lr=0.01, beta=0.9):
    v = beta * v + g
    w = w - lr * v
    return w, v
