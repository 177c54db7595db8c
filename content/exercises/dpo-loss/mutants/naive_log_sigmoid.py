# Mistake: computes log(sigmoid(z)) literally: exp(−z) overflows for a large negative margin.
# expect: overflow
import numpy as np


def dpo_loss(pi_chosen, pi_rejected, ref_chosen, ref_rejected, beta=0.1):
    z = beta * ((pi_chosen - ref_chosen) - (pi_rejected - ref_rejected))
    return float(np.mean(-np.log(1.0 / (1.0 + np.exp(-z)))))
