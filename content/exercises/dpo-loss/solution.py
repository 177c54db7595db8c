import numpy as np


def dpo_loss(pi_chosen, pi_rejected, ref_chosen, ref_rejected, beta=0.1):
    # Implicit reward margin: how much more the policy (relative to the reference)
    # prefers the chosen response over the rejected one.
    z = beta * ((pi_chosen - ref_chosen) - (pi_rejected - ref_rejected))
    # −log σ(z) = log(1 + e^(−z)) = logaddexp(0, −z): finite for any z.
    return float(np.mean(np.logaddexp(0.0, -z)))
