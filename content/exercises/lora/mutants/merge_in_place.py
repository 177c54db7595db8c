# Mistake: merges into W in place (W += ...), so the frozen pre-trained weight is overwritten.
# expect: changed its input W


def lora_forward(x, W, A, B, alpha, r):
    return x @ W + (alpha / r) * ((x @ A) @ B)


def lora_merge(W, A, B, alpha, r):
    W += (alpha / r) * (A @ B)
    return W
