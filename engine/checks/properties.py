"""``property`` checks: properties of the result (sums along an axis, a range,
symmetry under negating the input, finiteness, the share of one value, a partition of
0..n-1 into batches), where a reference value is not the point."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from engine.checks.common import Eval, Evaluator, M, context, described, not_ok, result
from engine.compare import Context, Opaque, fmt_index, fmt_num, shape_message, show_inputs, type_name
from engine.diagnostics import PropertyDiagnostics
from engine.inputs import materialize
from engine.jobs import Planner
from engine.report import CheckResult, Message

if TYPE_CHECKING:  # pragma: no cover - the models say what a check holds; checking reads engine.plain's view
    from engine.spec import ExerciseSpec, PropertyCheck


def _negated(args: list[Any]) -> list[Any]:
    return [-args[0]] + list(args[1:])


def plan(planner: Planner, spec: ExerciseSpec, check: PropertyCheck) -> Evaluator:
    needs_neg = any(p.type in ("odd", "even", "complement") for p in check.properties)
    calls = []
    for case in check.cases:
        args = [materialize(a) for a in case.args]
        kwargs = {k: materialize(v) for k, v in case.kwargs.items()}
        lc = planner.add("learner", check.call, args, kwargs)
        nc = planner.add("learner", check.call, _negated(args), kwargs) if needs_neg else None
        calls.append((case, lc, nc))

    def evaluate(ev: Eval) -> CheckResult:
        for case, lc, nc in calls:
            for call in (lc, nc):
                if call is not None:
                    bad = not_ok(ev, check, call)
                    if bad is not None:
                        return bad
            out = ev.outcome(lc).value  # type: ignore[union-attr]
            neg = ev.outcome(nc).value if nc is not None else None  # type: ignore[union-attr]
            ctx = context(spec, check.call, lc.args, lc.kwargs, case.note)
            label = f"{check.call}()"
            if check.output is not None:
                k = check.output
                name = (ctx.output_names or [])[k] if k < len(ctx.output_names or []) else f"[{k}]"
                for value in (out, neg):
                    if value is not None and not (isinstance(value, (tuple, list)) and len(value) > k):
                        return result(check, "fail", M(
                            f"{label} should return a tuple of at least {k + 1} values ({name} is element {k}); "
                            f"got {type_name(value)}" + (f" of length {len(value)}" if isinstance(value, (tuple, list)) else "") + ".",
                            f"{label} 应返回至少含 {k + 1} 个值的元组（{name} 是第 {k} 个元素）；实际为 {type_name(value)}"
                            + (f"，长度 {len(value)}" if isinstance(value, (tuple, list)) else "") + "。"))
                out = out[k]
                neg = neg[k] if neg is not None else None
                label = f"{check.call}(): {name}"
            for prop in check.properties:
                msg = _property_failure(label, prop, out, neg, lc.args, ctx)
                if msg is not None:
                    return result(check, "fail", described(check, msg), PropertyDiagnostics(property=prop.type))
        return result(check, "pass", M(
            "Holds: " + ", ".join(_prop_name(p).en for p in check.properties) + ".",
            "满足：" + "、".join(_prop_name(p).zh for p in check.properties) + "。"))

    return evaluate


def _prop_name(p: Any) -> Message:
    if p.type == "sums-to":
        return M(f"sums to {fmt_num(p.value)} along axis {p.axis}", f"沿轴 {p.axis} 求和为 {fmt_num(p.value)}")
    if p.type == "range":
        lo = fmt_num(p.min) if p.min is not None else "-inf"
        hi = fmt_num(p.max) if p.max is not None else "inf"
        return M(f"values in [{lo}, {hi}]", f"取值在 [{lo}, {hi}] 内")
    if p.type == "odd":
        return M("odd: f(-x) = -f(x)", "奇函数：f(-x) = -f(x)")
    if p.type == "even":
        return M("even: f(-x) = f(x)", "偶函数：f(-x) = f(x)")
    if p.type == "complement":
        return M(f"f(x) + f(-x) = {fmt_num(p.total)}", f"f(x) + f(-x) = {fmt_num(p.total)}")
    if p.type == "finite":
        return M("finite values", "数值有限")
    if p.type == "fraction":
        what = fmt_num(p.equal)
        return M(f"between {p.min:.0%} and {p.max:.0%} of the values equal {what}",
                 f"等于 {what} 的值占 {p.min:.0%} 到 {p.max:.0%}")
    if p.type == "partition":
        if p.size_arg is not None:
            return M("every index exactly once, in full batches but the last",
                     "每个下标恰好出现一次，除最后一批外每批都是满的")
        return M("every index exactly once", "每个下标恰好出现一次")
    return M("same shape as the input", "与输入形状相同")


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, (tuple, list)):
        return [x for v in value for x in _leaves(v)]
    return [value]


def _property_failure(fn: str, prop: Any, out: Any, neg: Any, args: list[Any], ctx: Context) -> Message | None:
    """What is wrong with ``out`` for ``prop`` (None: it holds). ``fn`` labels the result
    in messages: "softmax()" or "attention(): weights"."""
    if prop.type == "partition":
        return _partition_failure(fn, prop, out, args)
    leaves = _leaves(out)
    if not leaves:
        return M(f"{fn} returned {type_name(out)} with nothing in it; expected numbers.",
                 f"{fn} 返回了空的 {type_name(out)}；应返回数值。")
    for leaf in leaves:
        if isinstance(leaf, Opaque) or not (isinstance(leaf, np.ndarray) or np.isscalar(leaf)) \
                or isinstance(leaf, (str, bytes)):
            return M(f"{fn} returned {type_name(leaf)}, not numbers.", f"{fn} 返回了 {type_name(leaf)}，而不是数值。")
        if np.iscomplexobj(leaf) or (isinstance(leaf, np.ndarray) and leaf.dtype.kind not in "biuf"):
            return M(f"{fn} returned {type_name(leaf)}: expected real numbers.",
                     f"{fn} 返回了 {type_name(leaf)}：应为实数。")
    arrays = [np.asarray(x, dtype=np.float64) if not isinstance(x, np.ndarray) else x for x in leaves]
    shown = show_inputs(ctx)
    tail = (M(" ", "") + shown) if shown else M("", "")
    if prop.type == "same-shape":
        a = arrays[0]
        want = np.shape(args[prop.arg])
        if a.shape != want:
            return shape_message(fn, a.shape, want)
        return None
    if prop.type == "finite":
        for a in arrays:
            if not np.all(np.isfinite(a)):
                idx = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0]) if a.ndim else ()
                return M(f"{fn} returned a non-finite value ({fmt_num(a[idx])}) at {fmt_index(idx)}.",
                         f"{fn} 在 {fmt_index(idx)} 处返回了非有限值（{fmt_num(a[idx])}）。") + tail
        return None
    if prop.type == "range":
        for a in arrays:
            af = a.astype(np.float64)
            bad = np.isnan(af)
            if prop.min is not None:
                bad |= af < prop.min
            if prop.max is not None:
                bad |= af > prop.max
            if bad.any():
                idx = tuple(int(i) for i in np.argwhere(bad)[0]) if a.ndim else ()
                name = _prop_name(prop)
                return M(f"{fn} should return {name.en}; got {fmt_num(af[idx])} at {fmt_index(idx)}.",
                         f"{fn} 的结果应当{name.zh}；在 {fmt_index(idx)} 处得到 {fmt_num(af[idx])}。") + tail
        return None
    if prop.type == "fraction":
        for a in arrays:
            share = float(np.mean(a == prop.equal)) if a.size else 0.0
            if not prop.min <= share <= prop.max:
                what = fmt_num(prop.equal)
                return M(f"{fn}: {share:.1%} of the values equal {what}; expected between {prop.min:.0%} and "
                         f"{prop.max:.0%}.",
                         f"{fn}：有 {share:.1%} 的值等于 {what}；应在 {prop.min:.0%} 到 {prop.max:.0%} 之间。")
        return None
    if prop.type == "sums-to":
        a = arrays[0]
        if a.ndim == 0:
            return M(f"{fn} returned a single number; expected an array.", f"{fn} 只返回了一个数，应返回数组。")
        axis = prop.axis
        if not -a.ndim <= axis < a.ndim:
            return shape_message(fn, a.shape, np.shape(args[0]))
        s = a.astype(np.float64).sum(axis=axis)
        bad = ~(np.abs(s - prop.value) <= prop.atol)
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(np.atleast_1d(bad))[0])
            got = np.atleast_1d(s)[idx]
            en = (f"{fn}: values along axis {axis} should sum to {fmt_num(prop.value)}; "
                  f"at {fmt_index(idx)} they sum to {fmt_num(got)}.")
            zh = f"{fn}：沿轴 {axis} 的和应为 {fmt_num(prop.value)}；在 {fmt_index(idx)} 处的和为 {fmt_num(got)}。"
            for other in range(a.ndim):
                if other % a.ndim == axis % a.ndim:
                    continue
                s2 = a.astype(np.float64).sum(axis=other)
                if np.all(np.abs(s2 - prop.value) <= prop.atol):
                    en += f" They do sum to {fmt_num(prop.value)} along axis {other}: normalised along the wrong axis?"
                    zh += f"沿轴 {other} 的和倒是 {fmt_num(prop.value)}：是不是沿错了轴做归一化？"
                    break
            return M(en, zh) + tail
        return None
    # Symmetries against f(-x).
    negs = [np.asarray(x, dtype=np.float64) for x in _leaves(neg)]
    for a, b in zip(arrays, negs):
        if a.shape != b.shape:
            return shape_message(fn, b.shape, a.shape)
        af, bf = a.astype(np.float64), b.astype(np.float64)
        if prop.type == "odd":
            resid, want_en, want_zh = af + bf, "f(-x) = -f(x)", "f(-x) = -f(x)"
        elif prop.type == "even":
            resid, want_en, want_zh = af - bf, "f(-x) = f(x)", "f(-x) = f(x)"
        else:
            resid = af + bf - prop.total
            want_en = want_zh = f"f(x) + f(-x) = {fmt_num(prop.total)}"
        bad = ~(np.abs(resid) <= prop.atol)
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(np.atleast_1d(bad))[0]) if af.ndim else ()
            xv = np.asarray(args[0])[idx] if np.ndim(args[0]) else args[0]
            return M(f"{fn} should satisfy {want_en}; at x = {fmt_num(xv)}: f(x) = {fmt_num(af[idx])}, "
                     f"f(-x) = {fmt_num(bf[idx])}.",
                     f"{fn} 应满足 {want_zh}；在 x = {fmt_num(xv)} 处：f(x) = {fmt_num(af[idx])}，"
                     f"f(-x) = {fmt_num(bf[idx])}。")
    return None


def _partition_failure(fn: str, prop: Any, out: Any, args: list[Any]) -> Message | None:
    n = int(args[prop.n_arg])
    size = int(args[prop.size_arg]) if prop.size_arg is not None else None
    if not isinstance(out, (list, tuple)):
        return M(f"{fn} should return a list of index arrays; got {type_name(out)}.",
                 f"{fn} 应返回由下标数组组成的列表；实际为 {type_name(out)}。")
    for i, b in enumerate(out):
        if not isinstance(b, np.ndarray) or b.ndim != 1 or b.dtype.kind not in "iu":
            return M(f"{fn}: batch {i} should be a 1-D integer array; got {type_name(b)}.",
                     f"{fn}：第 {i} 批应为一维整数数组；实际为 {type_name(b)}。")
    where = np.concatenate([np.full(len(b), i) for i, b in enumerate(out)]) if out else np.zeros(0, int)
    flat = np.concatenate(list(out)).astype(np.int64) if out else np.zeros(0, np.int64)
    outside = (flat < 0) | (flat >= n)
    if outside.any():
        j = int(np.argmax(outside))
        return M(f"{fn}: index {int(flat[j])} (batch {int(where[j])}) is outside 0 … {n - 1}.",
                 f"{fn}：下标 {int(flat[j])}（第 {int(where[j])} 批）超出了 0 … {n - 1} 的范围。")
    counts = np.bincount(flat, minlength=n)
    if (counts > 1).any():
        k = int(np.argmax(counts > 1))
        batches = sorted({int(w) for w in where[flat == k]})
        en_b = ", ".join(str(b) for b in batches)
        zh_b = "、".join(str(b) for b in batches)
        return M(f"{fn}: index {k} appears {int(counts[k])} times (in batch{'es' if len(batches) > 1 else ''} "
                 f"{en_b}); each index belongs to exactly one batch per epoch.",
                 f"{fn}：下标 {k} 出现了 {int(counts[k])} 次（在第 {zh_b} 批中）；每个迭代周期中每个下标只属于一个批次。")
    if (counts == 0).any():
        missing = int((counts == 0).sum())
        k = int(np.argmax(counts == 0))
        return M(f"{fn}: {missing} of the {n} indices never appear (index {k}, for one): every example must be "
                 "used once per epoch. Was the last, shorter batch dropped?",
                 f"{fn}：{n} 个下标中有 {missing} 个从未出现（例如下标 {k}）：每个迭代周期中每个样本都必须用到一次。"
                 "是不是把最后那个较短的批次丢掉了？")
    if size is not None and out:
        for i, b in enumerate(out[:-1]):
            if len(b) != size:
                return M(f"{fn}: batch {i} has {len(b)} indices; every batch but the last must have batch_size = "
                         f"{size}.",
                         f"{fn}：第 {i} 批有 {len(b)} 个下标；除最后一批外，每批都必须正好有 batch_size = {size} 个。")
        if not 1 <= len(out[-1]) <= size:
            return M(f"{fn}: the last batch has {len(out[-1])} indices; it must have between 1 and {size}"
                     + (" (an empty batch at the end?)." if len(out[-1]) == 0 else "."),
                     f"{fn}：最后一批有 {len(out[-1])} 个下标；应在 1 到 {size} 之间"
                     + ("（末尾多了一个空批次？）。" if len(out[-1]) == 0 else "。"))
    return None
