# Mistake: forgets β: the log-ratio margin goes into the sigmoid unscaled.
# expect: scaled by beta
import numpy as np


def dpo_loss(pi_chosen, pi_rejected, ref_chosen, ref_rejected, beta=0.1):
    z = (pi_chosen - ref_chosen) - (pi_rejected - ref_rejected)
    return float(np.mean(np.logaddexp(0.0, -z)))
