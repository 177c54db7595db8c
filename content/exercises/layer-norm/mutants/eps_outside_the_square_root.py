# Mistake: adds eps outside the square root: (x − μ) / (σ + eps).
# expect: eps inside the square root


def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    return gamma * (x - mu) / (x.std(-1, keepdims=True) + eps) + beta


def layernorm_backward(dout, x, gamma, eps=1e-5):
    raise NotImplementedError
