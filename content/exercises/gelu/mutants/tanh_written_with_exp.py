# Mistake: tanh written as (eᵘ − e⁻ᵘ) / (eᵘ + e⁻ᵘ): overflows for large |x|.
# expect: overflow encountered in exp
import numpy as np


def _tanh(u):
    return (np.exp(u) - np.exp(-u)) / (np.exp(u) + np.exp(-u))


def gelu(x):
    return 0.5 * x * (1 + _tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def gelu_backward(dout, x):
    c = np.sqrt(2 / np.pi); t = np.tanh(c * (x + 0.044715 * x ** 3))
    return dout * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x ** 2))
