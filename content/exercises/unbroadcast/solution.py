import numpy as np


def unbroadcast(grad, shape):
    """Sum grad over the axes that broadcasting added or stretched to turn shape into grad.shape."""
    shape = tuple(shape)
    extra = grad.ndim - len(shape)
    out = grad.sum(axis=tuple(range(extra))) if extra > 0 else grad
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and out.shape[i] != 1)
    if stretched:
        out = out.sum(axis=stretched, keepdims=True)
    return np.array(out, dtype=np.float64).reshape(shape)
