# Mistake: perturbs x with += h, -= 2h, += h, so x drifts in its last digits.
# expect: changed its input x in place
# expect: restore the value you saved
import numpy as np


def numerical_gradient(f, x, h=1e-5):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h; fp = f(x); x[i] -= 2 * h; fm = f(x); x[i] += h
        g[i] = (fp - fm) / (2 * h)
    return g


def relative_error(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def gradient_check(f, grad_f, x, h=1e-5):
    return relative_error(grad_f(x), numerical_gradient(f, x, h))
