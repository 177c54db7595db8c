import math


class Value:
    """A scalar that remembers how it was computed, for reverse-mode autodiff.

    data: the number (a float); grad: dL/d(this value), 0.0 until backward() runs.
    Each operation returns a new Value whose _prev holds its inputs and whose
    _backward() adds this node's contribution to its inputs' .grad (chain rule).
    """

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op

    def __add__(self, other):  # self + other (other may be a plain number)
        raise NotImplementedError

    def __mul__(self, other):  # self * other
        raise NotImplementedError

    def __pow__(self, k):  # self ** k, k a plain number
        raise NotImplementedError

    def tanh(self):
        raise NotImplementedError

    def relu(self):
        raise NotImplementedError

    def exp(self):
        raise NotImplementedError

    def backward(self):
        """Set self.grad = 1 and run every node's _backward in reverse topological order."""
        raise NotImplementedError

    def __neg__(self):  # -self
        raise NotImplementedError

    def __sub__(self, other):  # self - other
        raise NotImplementedError

    def __truediv__(self, other):  # self / other
        raise NotImplementedError

    def __radd__(self, other):  # other + self, other a number
        raise NotImplementedError

    def __rsub__(self, other):  # other - self
        raise NotImplementedError

    def __rmul__(self, other):  # other * self
        raise NotImplementedError

    def __rtruediv__(self, other):  # other / self
        raise NotImplementedError

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"
