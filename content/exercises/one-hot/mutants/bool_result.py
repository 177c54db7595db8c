# Mistake: returns a bool array (labels[:, None] == classes) instead of float64.
# expect: dtype bool, expected float64
import numpy as np


def one_hot(labels, num_classes):
    return labels[:, None] == np.arange(num_classes)
