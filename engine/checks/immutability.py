"""``immutability`` checks: the inputs are unchanged after the call, and the result is
not a view of one of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataclasses import replace

import numpy as np

from engine.checks.common import Eval, Evaluator, M, context, described, not_ok, result
from engine.compare import fmt_index, fmt_num
from engine.diagnostics import ImmutabilityDiagnostics
from engine.inputs import materialize
from engine.jobs import Planner
from engine.report import CheckResult

if TYPE_CHECKING:  # pragma: no cover - the models say what a check holds; checking reads engine.plain's view
    from engine.spec import ExerciseSpec, ImmutabilityCheck


def plan(planner: Planner, spec: ExerciseSpec, check: ImmutabilityCheck) -> Evaluator:
    calls = []
    for case in check.cases:
        args = [materialize(a) for a in case.args]
        kwargs = {k: materialize(v) for k, v in case.kwargs.items()}
        calls.append((case, planner.add("learner", check.call, args, kwargs, save_inputs=True)))

    def evaluate(ev: Eval) -> CheckResult:
        for case, lc in calls:
            bad = not_ok(ev, check, lc)
            if bad is not None:
                return bad
            o = ev.outcome(lc)
            assert o is not None
            ctx = context(spec, check.call, lc.args, lc.kwargs)
            arg_names = [n for n, _ in ctx.inputs]
            originals = {str(i): a for i, a in enumerate(lc.args)} | dict(lc.kwargs)
            for key, before in originals.items():
                if not isinstance(before, np.ndarray):
                    continue
                name = arg_names[int(key)] if key.isdigit() and int(key) < len(arg_names) else key
                after = o.inputs_after.get(key)
                if after is None:
                    return result(check, "crashed", M("The run did not report the inputs after the call.",
                                                       "运行没有报告调用后的输入。"))
                if after.shape != before.shape or after.dtype != before.dtype or not np.array_equal(
                        after, before, equal_nan=before.dtype.kind == "f"):
                    where = where_zh = ""
                    diag = ImmutabilityDiagnostics(input=name)
                    if after.shape == before.shape:
                        diff = np.argwhere(~((after == before) | (np.isnan(after) & np.isnan(before))
                                             if before.dtype.kind == "f" else after == before))
                        if len(diff):
                            idx = tuple(int(i) for i in diff[0])
                            b, a = fmt_num(before[idx]), fmt_num(after[idx])
                            if b == a:  # a change in the last digits only (e.g. x + h - h)
                                b, a = f"{float(before[idx]):.17g}", f"{float(after[idx]):.17g}"
                            where = f" ({name}{fmt_index(idx)} was {b}, now {a})"
                            where_zh = f"（{name}{fmt_index(idx)} 原为 {b}，现为 {a}）"
                            diag = replace(diag, index=idx, before=b, after=a)
                    msg = M(f"{check.call}() changed its input {name} in place{where}. The caller's array must "
                            f"stay as it was: compute into a new array (e.g. {name} = {name} - c, not {name} -= c).",
                            f"{check.call}() 原地修改了输入 {name}{where_zh}。"
                            f"调用者的数组必须保持不变：请把结果写进新数组（例如 {name} = {name} - c，而不是 {name} -= c）。")
                    return result(check, "fail", described(check, msg), diag)
            if o.views and not check.allow_views:
                j, key = o.views[0]
                name = arg_names[int(key)] if key.isdigit() and int(key) < len(arg_names) else key
                msg = M(f"{check.call}() returned a view of its input {name} (they share memory): changing one "
                        "would change the other. Return a new array.",
                        f"{check.call}() 返回的是输入 {name} 的视图（共享内存）：改动其一会改动另一个。请返回新数组。")
                return result(check, "fail", described(check, msg), ImmutabilityDiagnostics(view_of=name))
        return result(check, "pass", M("Inputs are unchanged and the result is a new array.",
                                        "输入保持不变，结果是新数组。"))

    return evaluate
