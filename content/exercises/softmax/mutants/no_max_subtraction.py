# Mistake: no max subtraction: exp(z) overflows for large logits.
# expect: overflow
import numpy as np


def softmax(z, axis=-1):
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)
