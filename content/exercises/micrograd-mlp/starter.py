import math


class Value:
    """Given: micrograd's scalar Value (the micrograd exercise builds it). Do not change it."""

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        assert isinstance(k, (int, float)), "only a number exponent"
        out = Value(self.data ** k, (self,), f"**{k}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1.0 - t * t) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        e = math.exp(self.data)
        out = Value(e, (self,), "exp")

        def _backward():
            self.grad += e * out.grad
        out._backward = _backward
        return out

    def backward(self):
        # Topological order: a node is appended after everything it depends on.
        order, seen = [], set()

        def build(v):
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    build(child)
                order.append(v)
        build(self)
        self.grad = 1.0
        for v in reversed(order):  # every consumer before the values it consumes
            v._backward()

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other ** -1

    def __radd__(self, other):  # other + self
        return self + other

    def __rsub__(self, other):  # other - self
        return (-self) + other

    def __rmul__(self, other):  # other * self
        return self * other

    def __rtruediv__(self, other):  # other / self
        return self ** -1 * other

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"


class Module:
    def zero_grad(self):
        """Set the grad of every parameter back to 0."""
        raise NotImplementedError

    def parameters(self):
        return []


class Neuron(Module):
    def __init__(self, nin, rng, nonlin=True):
        """nin weights w[0..nin-1], each Value(rng.uniform(-1, 1)) drawn in that order,
        then a bias b = Value(0.0). nonlin: apply ReLU to the output."""
        raise NotImplementedError

    def __call__(self, x):
        """x: a list of nin numbers or Values. Returns relu(w · x + b), or w · x + b."""
        raise NotImplementedError

    def parameters(self):
        """[w[0], ..., w[nin-1], b]: the neuron's own Value objects."""
        raise NotImplementedError


class Layer(Module):
    def __init__(self, nin, nout, rng, nonlin=True):
        """nout neurons, built one after another from the same rng."""
        raise NotImplementedError

    def __call__(self, x):
        """A list of the nout outputs; a single Value when nout == 1."""
        raise NotImplementedError

    def parameters(self):
        """The parameters of neuron 0, then neuron 1, ..."""
        raise NotImplementedError


class MLP(Module):
    def __init__(self, nin, nouts, rng):
        """Layers of sizes nin -> nouts[0] -> ... -> nouts[-1], built in order from rng;
        ReLU on every layer but the last, which is linear."""
        raise NotImplementedError

    def __call__(self, x):
        raise NotImplementedError

    def parameters(self):
        """The parameters of layer 0, then layer 1, ..."""
        raise NotImplementedError
