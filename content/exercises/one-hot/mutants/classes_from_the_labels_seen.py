# Mistake: takes the number of classes from labels.max() + 1 instead of num_classes.
# expect: shape (20, 9), expected (20, 10)
import numpy as np


def one_hot(labels, num_classes):
    return np.eye(labels.max() + 1)[labels]
