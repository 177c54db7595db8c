# Mistake: averages over the broadcast axes: every use of an input element adds its whole gradient.
# expect: sum


def unbroadcast(grad, shape):
    shape = tuple(shape)
    extra = grad.ndim - len(shape)
    out = grad.mean(axis=tuple(range(extra))) if extra > 0 else grad.copy()
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and out.shape[i] != 1)
    if stretched:
        out = out.mean(axis=stretched, keepdims=True)
    return out.reshape(shape)
