# Mistake: the scale is inverted: r / alpha instead of alpha / r.
# expect: alpha / r


def lora_forward(x, W, A, B, alpha, r):
    return x @ W + (r / alpha) * ((x @ A) @ B)


def lora_merge(W, A, B, alpha, r):
    return W + (r / alpha) * (A @ B)
