import numpy as np


def dpo_loss(pi_chosen, pi_rejected, ref_chosen, ref_rejected, beta=0.1):
    """The DPO loss over N preference pairs.

    Each argument is a float64 array (N,) of sequence log-probabilities log π(y | x):
    pi_* under the policy being trained, ref_* under the frozen reference model,
    for the chosen (preferred) and the rejected response of each pair.
    Returns the mean over the pairs of −log σ(β · ((pi_chosen − ref_chosen) −
    (pi_rejected − ref_rejected))) as a float, finite for margins of ±1e4.
    """
    raise NotImplementedError
