"""``value`` and ``stability`` checks: the learner's result against the reference
solution's on the same inputs (exact shape and dtype, then values within rtol/atol, the
worst element and the symptom named); ``stability`` also turns floating-point warnings
on extreme inputs into failures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataclasses import replace

from engine.checks.common import Eval, Evaluator, M, context, described, not_ok, result
from engine.compare import compare, show_inputs, type_name
from engine.diagnostics import Frame, ValueDiagnostics
from engine.inputs import materialize
from engine.jobs import Planner
from engine.plain import function, outputs
from engine.report import CheckResult

if TYPE_CHECKING:  # pragma: no cover - the models say what a check holds; checking reads engine.plain's view
    from engine.spec import ExerciseSpec, StabilityCheck, ValueCheck


def plan(planner: Planner, spec: ExerciseSpec, check: ValueCheck | StabilityCheck) -> Evaluator:
    strict = check.kind == "stability"
    pairs = []
    only = list(check.items) if check.items else None
    for case in check.cases:
        args = [materialize(a) for a in case.args]
        kwargs = {k: materialize(v) for k, v in case.kwargs.items()}
        lc = planner.add("learner", check.call, args, kwargs, strict=strict, only=only)
        rc = planner.add("reference", check.call, args, kwargs, only=only)
        pairs.append((case, lc, rc))

    def evaluate(ev: Eval) -> CheckResult:
        for case, lc, rc in pairs:
            bad = not_ok(ev, check, lc, strict_fails=strict)
            if bad is not None:
                return bad
            expected = ev.ref(rc)
            o = ev.outcome(lc)
            assert o is not None
            if only is not None and o.ok and not (isinstance(o.value, tuple) and len(o.value) == len(only)):
                sig = function(spec, check.call)
                names = outputs(sig) if sig else None
                want = f"({', '.join(names)})" if names else f"of at least {max(only) + 1} values"
                want_zh = f"({', '.join(names)})" if names else f"（至少 {max(only) + 1} 个值）"
                return result(check, "fail", M(
                    f"{check.call}() should return a tuple {want}; got {type_name(o.value)}"
                    + (" with fewer elements" if isinstance(o.value, tuple) else "") + ".",
                    f"{check.call}() 应返回元组 {want_zh}；实际为 {type_name(o.value)}"
                    + ("，元素不够" if isinstance(o.value, tuple) else "") + "。"))
            ctx = context(spec, check.call, lc.args, lc.kwargs, case.note, check.outputs)
            if not o.ok:  # a floating-point warning in strict mode
                info = o.info
                frames = info.get("frames") or []
                line = f" at line {frames[-1][0]} ({frames[-1][2]})" if frames else ""
                line_zh = f"（第 {frames[-1][0]} 行：{frames[-1][2]}）" if frames else ""
                warning = str(info.get("message") or "")
                if "divide by zero" in warning:
                    fix = M(" Rewrite it so that nothing divides by 0 or takes log(0) (clip, add eps, or "
                            "work in log space).",
                            "请改写，使任何除法的分母和 log 的参数都不为 0（裁剪、加上 eps，或在对数空间中计算）。")
                elif "invalid value" in warning:
                    fix = M(" Rewrite it so that no invalid operation happens (0/0, inf − inf, 0·inf, "
                            "sqrt or log of a negative number).",
                            "请改写，避免出现无效运算（0/0、inf − inf、0·inf、对负数开方或取对数）。")
                else:
                    fix = M(" Rewrite it so that no intermediate overflows (e.g. never exp() of a large "
                            "positive number).",
                            "请改写，使中间结果不会上溢（例如不要对很大的正数取 exp()）。")
                msg = M(f"{check.call}() raised a floating-point warning on extreme inputs: "
                        f"{warning}{line}.",
                        f"{check.call}() 在极端输入上产生浮点警告：{warning}{line_zh}。") + fix
                shown = show_inputs(ctx)
                if shown:
                    msg = msg + M(" ", "") + shown
                return result(check, "fail", described(check, msg), ValueDiagnostics(
                    warning=info.get("message"), traceback=tuple(Frame(*f) for f in frames)))
            failure = compare(o.value, expected, check.call, check.rtol, check.atol, ctx)
            if failure is not None:
                # A dtype failure explains the dtype only: the check's description is about values.
                msg = failure.message if failure.details.actual_dtype is not None else described(check, failure.message)
                return result(check, "fail", msg, replace(failure.details, case=check.cases.index(case)))
        n = len(pairs)
        return result(check, "pass", M(
            f"{n} case{'s' if n > 1 else ''} match the reference (rtol {check.rtol:g}, atol {check.atol:g})"
            + (", with no floating-point warnings." if strict else "."),
            f"{n} 个用例与参考答案一致（rtol {check.rtol:g}，atol {check.atol:g}）" + ("，且没有浮点警告。" if strict else "。")))

    return evaluate
