"""One module per check kind (``engine.spec`` declares them). Each has
``plan(planner, spec, check) -> evaluate``: planning adds the calls the check needs to
the learner's and the reference's jobs; ``evaluate(ev)``, run once both jobs are back,
computes the verdict from their data and returns a ``CheckResult`` whose diagnostics are
the kind's typed class (``engine.diagnostics``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from engine.checks import gradient, immutability, language_model, properties, training, trajectory, value
from engine.checks.common import Evaluator
from engine.jobs import Planner

if TYPE_CHECKING:  # pragma: no cover
    from engine.spec import ExerciseSpec

# By the check's ``kind`` (checking reads engine.plain's view of a spec, not the models).
PLANNERS: dict[str, Callable[[Planner, ExerciseSpec, Any], Evaluator]] = {
    "value": value.plan,
    "stability": value.plan,
    "immutability": immutability.plan,
    "property": properties.plan,
    "gradient": gradient.plan,
    "training": training.plan,
    "trajectory": trajectory.plan,
    "language-model": language_model.plan,
}


def plan(planner: Planner, spec: ExerciseSpec, check: Any) -> Evaluator:
    """Plan ``check`` (any kind) into ``planner``; its evaluator."""
    return PLANNERS[check.kind](planner, spec, check)


__all__ = ["PLANNERS", "Evaluator", "plan"]
