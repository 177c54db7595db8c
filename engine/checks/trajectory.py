"""``trajectory`` checks: the training function step by step against the reference
trajectory from the learner's own initial parameters, naming a known mistake when the
learner's trajectory follows it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from engine.checks.common import Eval, Evaluator, M, described, not_ok, params_history, result
from engine.compare import fmt_index, fmt_num
from engine.diagnostics import TrajectoryDiagnostics
from engine.inputs import dataset
from engine.jobs import Call, Planner, ReferenceError_, run_reference_job
from engine.plain import pair
from engine.report import CheckResult, Message

if TYPE_CHECKING:  # pragma: no cover - the models say what a check holds; checking reads engine.plain's view
    from engine.spec import ExerciseSpec, TrajectoryCheck


def plan(planner: Planner, spec: ExerciseSpec, check: TrajectoryCheck) -> Evaluator:
    X, y, _, _ = dataset(check.dataset)
    n = int(len(X))
    base = {"batch_size": n, "lr": check.lr, "seed": check.seed}
    calls = [planner.add("learner", check.call, [X, y], dict(base, epochs=j)) for j in range(check.steps + 1)]
    fn = check.call

    def evaluate(ev: Eval) -> CheckResult:
        for call in calls:
            bad = not_ok(ev, check, call)
            if bad is not None:
                return bad
        runs = []
        for j, call in enumerate(calls):
            parsed = params_history(f"{fn}(epochs={j})", ev.outcome(call).value, check.params, j)  # type: ignore[union-attr]
            if isinstance(parsed, Message):
                return result(check, "fail", parsed)
            runs.append(parsed)
        start = runs[0][0]
        # Adam's first step moves each parameter by at most lr: more means another start.
        jump = max(float(np.max(np.abs(runs[1][0][k] - start[k]))) for k in start)
        if jump > 3 * check.lr:
            return result(check, "fail", described(check, M(
                f"{fn}(epochs=1) did not start from the parameters {fn}(epochs=0) returned for the same seed "
                f"(a parameter moved by {fmt_num(jump)} in one Adam step of lr = {check.lr:g}). Initialise the "
                "parameters first, from the generator seeded by `seed`, before anything else draws from it, so "
                "that the same seed always gives the same initial parameters.",
                f"{fn}(epochs=1) 没有从同一种子下 {fn}(epochs=0) 返回的参数出发（一次 lr = {check.lr:g} 的 Adam 更新中，"
                f"有参数移动了 {fmt_num(jump)}）。请先用以 `seed` 为种子的生成器初始化参数，再做其他随机抽取，"
                "使同一种子总给出同样的初始参数。")), TrajectoryDiagnostics(jump=jump))
        mistakes: list[str | None] = [None] + [d.mistake for d in check.diagnoses]
        ref_calls = [Call(f"t{i}", check.reference, [start, X, y, check.steps, check.lr], {"mistake": m})
                     for i, m in enumerate(mistakes)]
        run = run_reference_job(ev.worker, spec, ref_calls, ev.limits)
        trajectories = [_reference_trajectory(run.outcomes[c.cid].value, check) for c in ref_calls]
        mine = [r[0] for r in runs[1:]]
        expected, losses = trajectories[0]
        off = _departure(mine, expected, check)
        if off is None:
            hist = runs[-1][1]
            bad_epoch = next((j for j in range(check.steps)
                              if not np.isclose(hist[j], losses[j], rtol=1e-6, atol=1e-9)), None)
            if bad_epoch is not None:
                return result(check, "fail", described(check, M(
                    f"The parameters follow Adam step by step, but history[{bad_epoch}] = {fmt_num(hist[bad_epoch])} "
                    f"while the mean training loss of that epoch is {fmt_num(losses[bad_epoch])}: history must hold "
                    "the loss your forward pass computed in each epoch, averaged over the epoch's examples.",
                    f"参数逐步符合 Adam，但 history[{bad_epoch}] = {fmt_num(hist[bad_epoch])}，而该迭代周期的平均训练损失是 "
                    f"{fmt_num(losses[bad_epoch])}：history 必须记录每个迭代周期里前向传播算出的损失（按样本取平均）。")),
                    TrajectoryDiagnostics(epoch=bad_epoch))
            return result(check, "pass", M(
                f"{check.steps} full-batch steps follow Adam from your initial parameters, and the history holds "
                "each epoch's loss.",
                f"{check.steps} 个全批量步骤都与从你的初始参数出发的 Adam 一致，history 记录了每个迭代周期的损失。"))
        for diagnosis, (traj, _) in zip(check.diagnoses, trajectories[1:]):
            if _departure(mine, traj, check) is None:
                p = pair(diagnosis.message)
                return result(check, "fail", described(check, M(p["en"], p["zh"])),
                              TrajectoryDiagnostics(mistake=diagnosis.mistake))
        return result(check, "fail", described(check, _trajectory_symptom(fn, start, mine, expected, off, check)),
                      TrajectoryDiagnostics(step=off[0] + 1, parameter=off[1]))

    return evaluate


def _reference_trajectory(value: Any, check: TrajectoryCheck) -> tuple[list[dict[str, np.ndarray]], np.ndarray]:
    if not (isinstance(value, (tuple, list)) and len(value) == 2 and isinstance(value[0], (list, tuple))
            and len(value[0]) == check.steps and len(value[1]) == check.steps):
        raise ReferenceError_(M("The reference trajectory has the wrong form: an authoring bug, not yours.",
                                "参考轨迹的格式不对：这是练习编写的问题，不是你的错。"))
    return [{k: np.asarray(p[k], dtype=np.float64) for k in check.params} for p in value[0]], \
        np.asarray(value[1], dtype=np.float64)


def _departure(mine: list[dict[str, np.ndarray]], expected: list[dict[str, np.ndarray]],
               check: TrajectoryCheck) -> tuple[int, str] | None:
    """The first (step, parameter) where ``mine`` leaves ``expected``; None if it never does."""
    for j, (a, b) in enumerate(zip(mine, expected)):
        for name in check.params:
            if not np.allclose(a[name], b[name], rtol=check.rtol, atol=check.atol):
                return j, name
    return None


def _trajectory_symptom(fn: str, start: dict[str, np.ndarray], mine: list[dict[str, np.ndarray]],
                        expected: list[dict[str, np.ndarray]], off: tuple[int, str],
                        check: TrajectoryCheck) -> Message:
    """What a departure from the reference trajectory looks like, in words."""
    names = list(check.params)
    still = [k for k in names if all(np.array_equal(p[k], start[k]) for p in mine)]
    moves = [k for k in names if not np.array_equal(expected[-1][k], start[k])]
    if still and len(still) == len(names):
        return M(f"No parameter changes in {check.steps} steps: is the update applied (and lr used)?",
                 f"{check.steps} 步之后没有任何参数发生变化：更新真的执行了吗（lr 用上了吗）？")
    moved_later = any(not np.array_equal(mine[-1][k], start[k]) for k in names)
    if moves and moved_later and all(np.array_equal(mine[0][k], start[k]) for k in moves):
        return M("The first update changed nothing and the later ones lag one step behind: the update uses the "
                 "previous minibatch's gradients. Compute the gradients (backward) before you update.",
                 "第一次更新没有改变任何参数，之后的更新都慢一步：更新用的是上一个小批量的梯度。"
                 "请先做反向传播求梯度，再更新参数。")
    frozen = [k for k in still if k in moves]
    if frozen:
        listed = ", ".join(frozen)
        return M(f"{listed} never change while Adam would move them: their gradients are never computed, or "
                 "their updates never applied.",
                 f"{listed} 从未改变，而 Adam 本应更新它们：它们的梯度没有算出来，或者更新没有应用上。")
    j, name = off
    a, b = mine[j][name], expected[j][name]
    idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(a - b))), a.shape))
    right = [k for k in names if np.allclose(mine[j][k], expected[j][k], rtol=check.rtol, atol=check.atol)]
    tail_en = f" ({', '.join(right)} still match there.)" if right else ""
    tail_zh = f"（此时 {'、'.join(right)} 仍然一致。）" if right else ""
    return M(f"After step {j + 1} of full-batch training, {name} leaves Adam's trajectory from your own initial "
             f"parameters: at {fmt_index(idx)} yours is {fmt_num(a[idx])}, Adam gives {fmt_num(b[idx])}. Check "
             f"the gradient of {name} and the Adam update.{tail_en}",
             f"全批量训练第 {j + 1} 步之后，{name} 偏离了从你自己的初始参数出发的 Adam 轨迹：在 {fmt_index(idx)} 处"
             f"你的值为 {fmt_num(a[idx])}，Adam 给出 {fmt_num(b[idx])}。请检查 {name} 的梯度和 Adam 更新。{tail_zh}")

