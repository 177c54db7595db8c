# Mistake: computes the gradient in out's memory (out *= 1 - out; out *= dout), changing the cached output.
# expect: changed its input out
# expect: in place


def sigmoid_backward(dout, out):
    out *= 1.0 - out
    out *= dout
    return out
