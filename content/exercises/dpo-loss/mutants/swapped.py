# Mistake: chosen and rejected swapped: the loss rewards preferring the rejected response.
# expect: chosen minus rejected
import numpy as np


def dpo_loss(pi_chosen, pi_rejected, ref_chosen, ref_rejected, beta=0.1):
    z = beta * ((pi_rejected - ref_rejected) - (pi_chosen - ref_chosen))
    return float(np.mean(np.logaddexp(0.0, -z)))
