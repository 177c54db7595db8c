# Mistake: the naive formula with the overflow warning silenced (np.errstate) instead of avoided: σ(x) for -745 < x < -709 becomes 0.
# expect: got 0
# expect: e⁻ˣ overflows
import numpy as np


def sigmoid(x):
    with np.errstate(all="ignore"):
        return 1.0 / (1.0 + np.exp(-x))
