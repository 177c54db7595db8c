"""``gradient`` checks: the learner's backward function against centred finite
differences of the reference forward, per gradient the largest CS231n relative error and
its band."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from engine.checks.common import Eval, Evaluator, M, context, described, not_ok, result
from engine.compare import band, fmt_index, fmt_num, fmt_shape, relative_error, shape_message, symptom, type_name
from engine.diagnostics import GradientDiagnostics
from engine.inputs import materialize
from engine.jobs import FromReference, Kept, Planner
from engine.report import CheckResult

if TYPE_CHECKING:  # pragma: no cover - the models say what a check holds; checking reads engine.plain's view
    from engine.spec import ExerciseSpec, GradientCheck


def plan(planner: Planner, spec: ExerciseSpec, check: GradientCheck) -> Evaluator:
    values = {name: materialize(arg) for name, arg in check.inputs.items()}
    for name in check.wrt:
        values[name] = np.asarray(values[name], dtype=np.float64)
    dout = materialize(check.dout) if check.dout is not None else None
    order = list(check.inputs)
    fwd_only = [check.forward_item] if check.forward_item is not None else None
    out_ref = None
    if "out" in check.backward_args:  # the reference forward's output, e.g. sigmoid_backward(dout, out)
        out_call = planner.add("reference", check.forward, [values[n] for n in order], {}, only=fwd_only)
        out_ref = FromReference(out_call.cid, check.forward_item is not None)
    cache = fc = None
    if "cache" in check.backward_args:  # out, cache = forward(...) by the learner, in the same job
        fc = planner.add("learner", check.forward, [values[n] for n in order], {}, keep=True, only=[])
        cache = Kept(fc.cid, check.cache_item)
    bargs = [dout if n == "dout" else out_ref if n == "out" else cache if n == "cache" else values[n]
             for n in check.backward_args]
    bwd_only = [check.backward_item] if check.backward_item is not None else None
    lc = planner.add("learner", check.backward, bargs, {}, only=bwd_only)
    rc = planner.add("reference", check.forward, [values[n] for n in order], {},
                     numgrad={"wrt": [order.index(n) for n in check.wrt], "dout": dout, "h": check.h,
                              "item": check.forward_item})

    def evaluate(ev: Eval) -> CheckResult:
        for call in (fc, lc):  # the learner's own forward first: its cache fed the backward
            bad = not_ok(ev, check, call) if call is not None else None
            if bad is not None:
                return bad
        numeric = ev.ref(rc)
        got = ev.outcome(lc).value  # type: ignore[union-attr]
        if bwd_only is not None:
            if not (isinstance(got, tuple) and len(got) == 1):
                return result(check, "fail", M(
                    f"{check.backward}() should return a tuple whose element {check.backward_item} holds the "
                    f"gradients; got {type_name(got)}.",
                    f"{check.backward}() 应返回元组，其第 {check.backward_item} 个元素是梯度；实际为 {type_name(got)}。"))
            got = got[0]
        n = len(check.wrt)
        ctx = context(spec, check.backward, lc.args, {})
        if n == 1 and not isinstance(got, (tuple, list)):
            got = (got,)
        if not isinstance(got, (tuple, list)) or len(got) != n:
            names = ", ".join(check.wrt)
            return result(check, "fail", M(
                f"{check.backward}() should return {n} gradient{'s' if n > 1 else ''} ({names}); got {type_name(got)}"
                + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else "") + ".",
                f"{check.backward}() 应返回 {n} 个梯度（{names}）；实际为 {type_name(got)}"
                + (f"，长度 {len(got)}" if isinstance(got, (tuple, list)) else "") + "。"))
        errors: dict[str, float] = {}
        bands: dict[str, str] = {}
        for name, g, num in zip(check.wrt, got, numeric):
            label = f"d{name}"
            if isinstance(g, np.ndarray) and g.shape != num.shape:
                return result(check, "fail", described(check, shape_message(label, g.shape, num.shape)),
                              GradientDiagnostics(gradient=label, expected_shape=tuple(num.shape),
                                                  actual_shape=tuple(g.shape)))
            if not isinstance(g, np.ndarray):
                if np.isscalar(g) and num.shape == () and not isinstance(g, (str, bytes)):
                    g = np.asarray(g, dtype=np.float64)
                else:
                    return result(check, "fail", M(
                        f"{label}: expected an array of shape {fmt_shape(num.shape)}, got {type_name(g)}.",
                        f"{label}：应为形状 {fmt_shape(num.shape)} 的数组，实际为 {type_name(g)}。"), GradientDiagnostics(gradient=label))
            gf = g.astype(np.float64)
            if not np.all(np.isfinite(gf)):
                idx = tuple(int(i) for i in np.argwhere(~np.isfinite(gf))[0]) if gf.ndim else ()
                return result(check, "fail", M(f"{label}: non-finite value at {fmt_index(idx)}.",
                                                f"{label}：在 {fmt_index(idx)} 处出现非有限值。"), GradientDiagnostics(gradient=label))
            rel = relative_error(gf, num)
            worst = float(rel.max()) if rel.size else 0.0
            errors[label] = worst
            bands[label] = band(worst)[0]
            if worst > check.tolerance:
                idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(rel)), rel.shape)) if rel.ndim else ()
                _, band_msg = band(worst)
                named = symptom(gf, num, ctx)
                en = (f"{label}: max relative error {worst:.2e} — {band_msg.en}; worst at {fmt_index(idx)}: "
                      f"yours {fmt_num(gf[idx])}, numerical {fmt_num(num[idx])} (centred differences of the "
                      f"reference {check.forward}(), h = {check.h:g}).")
                zh = (f"{label}：最大相对误差 {worst:.2e}——{band_msg.zh}；最差处 {fmt_index(idx)}："
                      f"你的 {fmt_num(gf[idx])}，数值梯度 {fmt_num(num[idx])}（对参考 {check.forward}() 做中心差分，h = {check.h:g}）。")
                msg = M(en, zh)
                if named is not None:
                    msg = msg + M(" ", "") + named
                return result(check, "fail", described(check, msg), GradientDiagnostics(
                    gradient=label, rel_errors=errors, bands=bands, index=idx, yours=float(gf[idx]),
                    numerical=float(num[idx])))
        summary_en = ", ".join(f"{k} {v:.1e} ({bands[k]})" for k, v in errors.items())
        return result(check, "pass", M(
            f"Gradients match centred differences (max relative error: {summary_en}).",
            f"梯度与中心差分一致（最大相对误差：{summary_en}）。"), GradientDiagnostics(rel_errors=errors, bands=bands))

    return evaluate
