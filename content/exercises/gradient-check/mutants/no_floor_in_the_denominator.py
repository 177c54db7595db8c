# Mistake: divides by |a| + |n| without the 1e-8 floor: 0/0 where both gradients are 0.
# expect: nan
# expect: two zeros give 0
import numpy as np


def numerical_gradient(f, x, h=1e-5):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]; x[i] = old + h; fp = f(x); x[i] = old - h; fm = f(x); x[i] = old
        g[i] = (fp - fm) / (2 * h)
    return g


def relative_error(a, b):
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))


def gradient_check(f, grad_f, x, h=1e-5):
    return relative_error(grad_f(x), numerical_gradient(f, x, h))
