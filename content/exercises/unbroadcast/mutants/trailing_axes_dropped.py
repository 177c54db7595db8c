# Mistake: sums the extra axes at the end instead of the front (broadcasting aligns shapes on the right).
# expect: added in front


def unbroadcast(grad, shape):
    shape = tuple(shape)
    extra = grad.ndim - len(shape)
    return grad.sum(axis=tuple(range(len(shape), grad.ndim))) if extra > 0 else grad.copy()
