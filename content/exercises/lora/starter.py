import numpy as np


def lora_forward(x, W, A, B, alpha, r):
    """Forward pass of a linear layer with a LoRA adapter (row-vector layout).

    x: (N, d_in) inputs; W: (d_in, d_out) frozen pre-trained weight;
    A: (d_in, r) down-projection; B: (r, d_out) up-projection; alpha, r: numbers.
    Returns x W + (alpha / r) · x A B, shape (N, d_out).
    """
    raise NotImplementedError


def lora_merge(W, A, B, alpha, r):
    """The merged weight W + (alpha / r) · A B, shape (d_in, d_out), as a new array
    (W itself is left unchanged)."""
    raise NotImplementedError
