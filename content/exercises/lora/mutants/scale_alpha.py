# Mistake: scales the low-rank update by alpha instead of alpha / r.
# expect: alpha / r


def lora_forward(x, W, A, B, alpha, r):
    return x @ W + alpha * ((x @ A) @ B)


def lora_merge(W, A, B, alpha, r):
    return W + alpha * (A @ B)
