"""``training`` checks: the learner's training function on a seeded synthetic dataset;
the reference forward scores the returned parameters on held-out data against a
threshold, and the loss history must fall."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from engine.checks.common import Eval, Evaluator, M, described, not_ok, params_history, result
from engine.compare import fmt_num
from engine.diagnostics import TrainingDiagnostics
from engine.inputs import dataset, materialize
from engine.jobs import Call, Planner, run_reference_job
from engine.report import CheckResult, Message

if TYPE_CHECKING:  # pragma: no cover - the models say what a check holds; checking reads engine.plain's view
    from engine.spec import ExerciseSpec, TrainingCheck


def plan(planner: Planner, spec: ExerciseSpec, check: TrainingCheck) -> Evaluator:
    X_tr, y_tr, X_te, y_te = dataset(check.dataset)
    kwargs = {k: materialize(v) for k, v in check.kwargs.items()}
    lc = planner.add("learner", check.call, [X_tr, y_tr], kwargs)
    length = check.history_length
    if isinstance(length, str):
        length = kwargs.get(length)  # type: ignore[assignment]

    def evaluate(ev: Eval) -> CheckResult:
        bad = not_ok(ev, check, lc)
        if bad is not None:
            return bad
        fn = check.call
        parsed = params_history(fn, ev.outcome(lc).value, check.params,  # type: ignore[union-attr]
                                length if isinstance(length, int) else None)
        if isinstance(parsed, Message):
            return result(check, "fail", parsed)
        clean, hist = parsed
        if not len(hist):
            return result(check, "fail", M(f"{fn}(): history is empty; expected one mean loss per epoch.",
                                            f"{fn}()：history 为空；应为每个迭代周期一个平均损失。"))
        if not np.all(np.isfinite(hist)):
            return result(check, "fail", M(f"{fn}(): the loss history contains NaN or inf: training diverged, or "
                                            "log(0) in the loss?",
                                            f"{fn}()：损失记录中有 NaN 或 inf：训练发散了，或损失里出现了 log(0)？"))
        # Score the returned parameters with the reference forward on held-out data.
        score_call = Call("s1", check.forward, [clean, X_te], {})
        run = run_reference_job(ev.worker, spec, [score_call], ev.limits)
        probs = np.asarray(run.outcomes["s1"].value, dtype=np.float64).reshape(-1)
        acc = float(np.mean((probs >= 0.5) == (y_te >= 0.5)))
        first, last = float(hist[0]), float(hist[-1])
        k = max(1, len(hist) // 10)
        fell = len(hist) >= 2 and last < first and float(np.mean(hist[-k:])) < float(np.mean(hist[:k]))
        diag = TrainingDiagnostics(
            accuracy=acc, threshold=check.threshold, loss_first=first, loss_last=last, epochs=len(hist),
            n_test=int(len(y_te)),
            # The learner's curve, for the TUI's plot (thinned so a report stays small).
            history=tuple(float(v) for v in hist[:: max(1, len(hist) // 500)]))
        loss_en = f"loss went from {fmt_num(round(first, 4))} to {fmt_num(round(last, 4))} over {len(hist)} epochs"
        loss_zh = f"损失在 {len(hist)} 个迭代周期内从 {fmt_num(round(first, 4))} 变为 {fmt_num(round(last, 4))}"
        if check.loss_must_fall and not fell:
            return result(check, "fail", described(check, M(
                f"The training loss did not fall ({loss_en}): a wrong gradient sign, a learning rate of 0, or "
                "parameters that are never updated?",
                f"训练损失没有下降（{loss_zh}）：梯度符号错了、学习率为 0，还是参数从未更新？")), diag)
        if acc < check.threshold:
            return result(check, "fail", described(check, M(
                f"Held-out accuracy {acc:.3f} is below the required {check.threshold:g} ({loss_en}). Check the "
                "backward pass (compare with the dense-layer exercise) and the Adam update.",
                f"留出数据上的准确率 {acc:.3f} 低于要求的 {check.threshold:g}（{loss_zh}）。"
                "检查反向传播（可对照全连接层练习）和 Adam 更新。")), diag)
        return result(check, "pass", M(
            f"Held-out accuracy {acc:.3f} (needs ≥ {check.threshold:g}); {loss_en}.",
            f"留出数据上的准确率 {acc:.3f}（要求 ≥ {check.threshold:g}）；{loss_zh}。"), diag)

    return evaluate
