"""One module per check kind (``engine.spec`` declares them). Each has
``plan(planner, spec, check) -> evaluate``: planning adds the calls the check needs to
the learner's and the reference's jobs; ``evaluate(ev)``, run once both jobs are back,
computes the verdict from their data and returns a ``CheckResult`` whose diagnostics are
the kind's typed class (``engine.diagnostics``)."""

from __future__ import annotations

from typing import Any, Callable

from engine.checks import gradient, immutability, language_model, properties, training, trajectory, value
from engine.checks.common import Evaluator
from engine.jobs import Planner
from engine.spec import (
    ExerciseSpec, GradientCheck, ImmutabilityCheck, LanguageModelCheck, PropertyCheck, StabilityCheck,
    TrainingCheck, TrajectoryCheck, ValueCheck,
)

PLANNERS: dict[type, Callable[[Planner, ExerciseSpec, Any], Evaluator]] = {
    ValueCheck: value.plan,
    StabilityCheck: value.plan,
    ImmutabilityCheck: immutability.plan,
    PropertyCheck: properties.plan,
    GradientCheck: gradient.plan,
    TrainingCheck: training.plan,
    TrajectoryCheck: trajectory.plan,
    LanguageModelCheck: language_model.plan,
}


def plan(planner: Planner, spec: ExerciseSpec, check: Any) -> Evaluator:
    """Plan ``check`` (any kind) into ``planner``; its evaluator."""
    return PLANNERS[type(check)](planner, spec, check)


__all__ = ["PLANNERS", "Evaluator", "plan"]
