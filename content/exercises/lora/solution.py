

def lora_forward(x, W, A, B, alpha, r):
    scale = alpha / r
    # (x A) first: a (N, r) intermediate, never the full (d_in, d_out) update.
    return x @ W + scale * ((x @ A) @ B)


def lora_merge(W, A, B, alpha, r):
    return W + (alpha / r) * (A @ B)
