# Mistake: goes through p = sigmoid(z) and log(p): log(0) for confident logits.
# expect: floating-point warning
# expect: overflow encountered in exp
import numpy as np


def bce_with_logits(z, y):
    p = 1 / (1 + np.exp(-z))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
