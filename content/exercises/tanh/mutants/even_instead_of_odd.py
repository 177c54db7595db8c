# Mistake: (1 − e⁻²|ˣ|) / (1 + e⁻²|ˣ|) without the sign: an even function.
# expect: f(-x) = -f(x)
import numpy as np


def tanh(x):
    e = np.exp(-2 * np.abs(x))
    return (1 - e) / (1 + e)
