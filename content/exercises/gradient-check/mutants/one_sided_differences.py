# Mistake: one-sided differences (f(x + h) − f(x)) / h instead of centred ones.
# expect: [0, 1e-07]
# expect: cubic-grad
# expect: good band
import numpy as np


def numerical_gradient(f, x, h=1e-5):
    g = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]; x[i] = old + h; g[i] = (f(x) - fx) / h; x[i] = old
    return g


def relative_error(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def gradient_check(f, grad_f, x, h=1e-5):
    return relative_error(grad_f(x), numerical_gradient(f, x, h))
