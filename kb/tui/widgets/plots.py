"""Plots (textual-plotext): the curve of a concept's named function, and a learner's
loss history from the training-loop check.

A concept's ``plot`` names a function (content never holds code); the curves are
evaluated here in plain Python, so drawing one needs neither NumPy nor the engine.
Losses are drawn as a function of the prediction error or margin, with their usual
constants (Huber δ = 1, leaky ReLU slope 0.01, ELU α = 1).
"""

from __future__ import annotations

import math
from typing import Callable

from textual_plotext import PlotextPlot

from kb.i18n import tr


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _gelu(x: float) -> float:
    return 0.5 * x * (1.0 + math.erf(x / math.sqrt(2.0)))


def _huber(x: float, delta: float = 1.0) -> float:
    return 0.5 * x * x if abs(x) <= delta else delta * (abs(x) - 0.5 * delta)


def _bce(p: float) -> float:  # target 1, prediction p in (0, 1)
    p = min(max(p, 1e-6), 1 - 1e-6)
    return -math.log(p)


FUNCTIONS: dict[str, tuple[Callable[[float], float], tuple[str, str], tuple[str, str]]] = {
    # name: (f, x-axis label (en, zh), y-axis label)
    "sigmoid": (_sigmoid, ("x", "x"), ("σ(x)", "σ(x)")),
    "tanh": (math.tanh, ("x", "x"), ("tanh(x)", "tanh(x)")),
    "relu": (lambda x: max(0.0, x), ("x", "x"), ("ReLU(x)", "ReLU(x)")),
    "leaky-relu": (lambda x: x if x > 0 else 0.01 * x, ("x", "x"), ("LeakyReLU(x)", "LeakyReLU(x)")),
    "elu": (lambda x: x if x > 0 else math.expm1(x), ("x", "x"), ("ELU(x)", "ELU(x)")),
    "gelu": (_gelu, ("x", "x"), ("GELU(x)", "GELU(x)")),
    "softplus": (_softplus, ("x", "x"), ("softplus(x)", "softplus(x)")),
    "swish": (lambda x: x * _sigmoid(x), ("x", "x"), ("x·σ(x)", "x·σ(x)")),
    "step": (lambda x: 1.0 if x >= 0 else 0.0, ("x", "x"), ("step(x)", "step(x)")),
    "identity": (lambda x: x, ("x", "x"), ("x", "x")),
    "mse": (lambda e: e * e, ("error ŷ − y", "误差 ŷ − y"), ("loss", "损失")),
    "mae": (abs, ("error ŷ − y", "误差 ŷ − y"), ("loss", "损失")),
    "huber": (_huber, ("error ŷ − y (δ = 1)", "误差 ŷ − y（δ = 1）"), ("loss", "损失")),
    "bce": (_bce, ("predicted p for y = 1", "y = 1 时的预测概率 p"), ("loss", "损失")),
    "hinge": (lambda m: max(0.0, 1.0 - m), ("margin y·f(x)", "间隔 y·f(x)"), ("loss", "损失")),
    "log-loss": (lambda m: _softplus(-m), ("margin y·f(x)", "间隔 y·f(x)"), ("loss", "损失")),
}


def curve(function: str, x_min: float, x_max: float, n: int = 200) -> tuple[list[float], list[float]]:
    f = FUNCTIONS[function][0]
    if function == "bce":  # a probability axis
        x_min, x_max = max(x_min, 1e-3), min(x_max, 1 - 1e-3)
        if x_min >= x_max:
            x_min, x_max = 1e-3, 1 - 1e-3
    xs = [x_min + (x_max - x_min) * i / (n - 1) for i in range(n)]
    return xs, [f(x) for x in xs]


class FunctionPlot(PlotextPlot):
    """The curve of a concept's ``plot`` field."""

    def __init__(self, function: str, x_min: float, x_max: float, lang: str = "en", **kwargs) -> None:
        super().__init__(**kwargs)
        self.function, self.x_min, self.x_max, self.lang = function, x_min, x_max, lang

    def on_mount(self) -> None:
        super().on_mount()
        self.draw()

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.draw()

    def draw(self) -> None:
        if self.function not in FUNCTIONS:
            return
        _, xlabel, ylabel = FUNCTIONS[self.function]
        xs, ys = curve(self.function, self.x_min, self.x_max)
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.plot(xs, ys, marker="braille")
        plt.title(self.function)
        plt.xlabel(tr(self.lang, *xlabel))
        plt.ylabel(tr(self.lang, *ylabel))
        self.refresh()


class LossPlot(PlotextPlot):
    """A training run's mean loss per epoch."""

    def __init__(self, history: list[float] | None = None, lang: str = "en", **kwargs) -> None:
        super().__init__(**kwargs)
        self.history = list(history or [])
        self.lang = lang

    def on_mount(self) -> None:
        super().on_mount()
        self.draw()

    def update_history(self, history: list[float], lang: str | None = None) -> None:
        self.history = [float(v) for v in history if isinstance(v, (int, float)) and math.isfinite(v)]
        if lang:
            self.lang = lang
        self.draw()

    def draw(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if self.history:
            plt.plot(list(range(1, len(self.history) + 1)), self.history, marker="braille")
        plt.title(tr(self.lang, "Your training loss", "你的训练损失"))
        plt.xlabel(tr(self.lang, "epoch", "轮次"))
        plt.ylabel(tr(self.lang, "loss", "损失"))
        self.refresh()
