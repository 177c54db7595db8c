# Mistake: the textbook formula 1 / (1 + e⁻ˣ): e⁻ˣ overflows for x ≪ 0.
# expect: overflow encountered in exp
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))
