# Mistake: the textbook (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ): eˣ overflows for large |x|.
# expect: overflow encountered in exp
import numpy as np


def tanh(x):
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
