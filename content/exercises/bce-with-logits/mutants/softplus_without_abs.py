# Mistake: the stable form with exp(-z) instead of exp(-|z|): exp overflows for very negative logits.
# expect: overflow encountered in exp
import numpy as np


def bce_with_logits(z, y):
    return float(np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-z))))
