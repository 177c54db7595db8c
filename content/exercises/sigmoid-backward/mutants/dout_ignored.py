# Mistake: returns the local gradient out·(1 − out) without multiplying by dout.
# expect: sigmoid_backward:
# expect: out·(1 − out)


def sigmoid_backward(dout, out):
    return out * (1 - out)
