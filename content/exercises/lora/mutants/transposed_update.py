# Mistake: copies the paper's ΔW = B A by transposing each factor, which gives (A B)ᵀ: the update is transposed.
# expect: transposed update keeps the shape


def lora_forward(x, W, A, B, alpha, r):
    return x @ (W + (alpha / r) * (B.T @ A.T))


def lora_merge(W, A, B, alpha, r):
    return W + (alpha / r) * (B.T @ A.T)
