# Mistake: sums the per-pair losses instead of averaging them.
# expect: a sum where a mean was expected
import numpy as np


def dpo_loss(pi_chosen, pi_rejected, ref_chosen, ref_rejected, beta=0.1):
    z = beta * ((pi_chosen - ref_chosen) - (pi_rejected - ref_rejected))
    return float(np.sum(np.logaddexp(0.0, -z)))
