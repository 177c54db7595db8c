"""Numerical comparison of a learner's result with the reference's, and the bilingual
messages that say what is wrong: exact shape and dtype (never a broadcasting
``allclose``), NaN/Inf, the worst element with its input, and the symptom of common
mistakes (a constant factor such as N for a sum instead of a mean, a flipped sign, a
transposed array, swapped tuple elements, an accidental broadcast)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from engine.diagnostics import ValueDiagnostics, array_values, gradient_band
from engine.report import Message

M = Message


@dataclass
class Opaque:
    """A returned value that is not data the engine can compare (a string, an object
    array, a custom class...)."""

    type: str


@dataclass
class Failure:
    message: Message
    details: ValueDiagnostics = field(default_factory=ValueDiagnostics)

    @property
    def diagnostics(self) -> dict[str, Any]:
        """``details`` in its JSON form."""
        return self.details.to_dict()


@dataclass
class Context:
    """What a failure message may show: the call's inputs by name, and counts a
    constant factor may be explained by."""

    inputs: list[tuple[str, Any]] = field(default_factory=list)
    counts: list[tuple[Message, int]] = field(default_factory=list)
    note: Message | None = None  # the case's note ("x = 0, the kink")
    output_names: list[str] | None = None  # names of a returned tuple's elements


# --- formatting ----------------------------------------------------------------------


def fmt_num(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if f != f:
        return "nan"
    if f in (float("inf"), float("-inf")):
        return "inf" if f > 0 else "-inf"
    return f"{f:.10g}"


def fmt_array(a: np.ndarray, limit: int = 16) -> str:
    a = np.asarray(a)
    if a.ndim == 0:
        return fmt_num(a[()])
    if a.size > limit:
        return f"<array shape {fmt_shape(a.shape)} {a.dtype}>"
    return np.array2string(
        a, separator=", ", threshold=limit, max_line_width=120,
        formatter={"float_kind": fmt_num, "int_kind": fmt_num},
    ).replace("\n", "")


def fmt_shape(shape: tuple[int, ...]) -> str:
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(n) for n in shape) + ")"


def fmt_index(idx: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"


def fmt_value(v: Any) -> str:
    if isinstance(v, np.ndarray):
        return fmt_array(v)
    if isinstance(v, Opaque):
        return f"<{v.type}>"
    if isinstance(v, (list, tuple)):
        inner = ", ".join(fmt_value(x) for x in v)
        return f"({inner})" if isinstance(v, tuple) else f"[{inner}]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {fmt_value(x)}" for k, x in v.items()) + "}"
    return fmt_num(v)


def type_name(v: Any) -> str:
    if isinstance(v, Opaque):
        return v.type
    if isinstance(v, np.ndarray):
        return f"ndarray {fmt_shape(v.shape)} {v.dtype}"
    if isinstance(v, np.generic):
        return f"numpy.{type(v).__name__}"
    return type(v).__name__


def show_inputs(ctx: Context, index: tuple[int, ...] | None = None, out_shape: tuple[int, ...] | None = None) -> Message | None:
    """The inputs that produced a failure: small ones whole, large ones by shape and,
    for an element-wise result, the element (or row) at the failing index."""
    parts_en, parts_zh = [], []
    small = 16 if sum(v.size for _, v in ctx.inputs if isinstance(v, np.ndarray)) <= 32 else 8
    for name, value in ctx.inputs:
        if isinstance(value, np.ndarray):
            if value.size <= small:
                text = f"{name} = {fmt_array(value)}"
            else:
                text = f"{name}: shape {fmt_shape(value.shape)}"
                if index is not None and out_shape is not None and value.shape == tuple(out_shape):
                    text += f", {name}{fmt_index(index)} = {fmt_num(value[index])}"
        elif value is None or isinstance(value, (bool, int, float)):
            text = f"{name} = {fmt_num(value) if value is not None else 'None'}"
        elif type(value).__name__ == "TestFunction":  # engine.inputs.TestFunction
            text = f"{name} = <test function '{value.name}'>"
        else:
            continue
        parts_en.append(text)
        parts_zh.append(text)
    if not parts_en:
        return None
    return M("Input: " + "; ".join(parts_en) + ".", "输入：" + "；".join(parts_zh) + "。")


# --- decoding helpers -----------------------------------------------------------------


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _as_scalar_array(v: Any) -> np.ndarray:
    return np.asarray(v, dtype=np.float64)


# --- comparison ------------------------------------------------------------------------


def compare(actual: Any, expected: Any, label: str, rtol: float, atol: float, ctx: Context) -> Failure | None:
    """None when ``actual`` matches ``expected``; otherwise what is wrong."""
    with np.errstate(all="ignore"):
        return _compare(actual, expected, label, rtol, atol, ctx)


def _compare(actual: Any, expected: Any, label: str, rtol: float, atol: float, ctx: Context) -> Failure | None:
    if isinstance(expected, (tuple, list)):
        return _compare_sequence(actual, expected, label, rtol, atol, ctx)
    if isinstance(expected, dict):
        return _compare_dict(actual, expected, label, rtol, atol, ctx)
    if isinstance(expected, np.ndarray) and expected.ndim > 0:
        return _compare_array(actual, expected, label, rtol, atol, ctx)
    if expected is None:
        if actual is None:
            return None
        return Failure(M(f"{label}: expected None, got {type_name(actual)}.",
                         f"{label}：应返回 None，实际为 {type_name(actual)}。"))
    if isinstance(expected, (bool, np.bool_)):
        if isinstance(actual, (bool, np.bool_)) and bool(actual) == bool(expected):
            return None
        return Failure(M(f"{label}: expected {expected}, got {fmt_value(actual)}.",
                         f"{label}：应为 {expected}，实际为 {fmt_value(actual)}。"))
    # A number (Python or NumPy scalar, or a 0-d array).
    return _compare_scalar(actual, expected, label, rtol, atol, ctx)


def _compare_scalar(actual: Any, expected: Any, label: str, rtol: float, atol: float, ctx: Context) -> Failure | None:
    if isinstance(actual, np.ndarray):
        if actual.ndim == 0 and actual.dtype.kind in "iuf":
            actual = actual[()]
        else:
            extra_en = extra_zh = ""
            if actual.size > 1:
                extra_en = " Did you forget to reduce (take the mean) over the elements?"
                extra_zh = "是不是忘了对所有元素做归约（求平均）？"
            return Failure(
                M(f"{label}: expected a single number, got an array of shape {fmt_shape(actual.shape)}.{extra_en}",
                  f"{label}：应返回一个数（标量），实际返回了形状为 {fmt_shape(actual.shape)} 的数组。{extra_zh}"),
                ValueDiagnostics(expected_type="scalar", actual_shape=tuple(actual.shape)),
            )
    if not is_number(actual):
        return Failure(
            M(f"{label}: expected a number, got {type_name(actual)}.",
              f"{label}：应返回一个数，实际为 {type_name(actual)}。"),
            ValueDiagnostics(expected_type="scalar", actual_type=type_name(actual)),
        )
    return _compare_values(_as_scalar_array(actual), _as_scalar_array(expected), label, rtol, atol, ctx)


def _compare_array(actual: Any, expected: np.ndarray, label: str, rtol: float, atol: float, ctx: Context) -> Failure | None:
    if isinstance(actual, (list, tuple)):
        return Failure(
            M(f"{label}: returned a Python {type(actual).__name__}; return a NumPy array (np.ndarray).",
              f"{label}：返回的是 Python {type(actual).__name__}，请返回 NumPy 数组（np.ndarray）。"),
            ValueDiagnostics(actual_type=type(actual).__name__),
        )
    if not isinstance(actual, np.ndarray):
        return Failure(
            M(f"{label}: expected an array of shape {fmt_shape(expected.shape)}, got {type_name(actual)}.",
              f"{label}：应返回形状为 {fmt_shape(expected.shape)} 的数组，实际为 {type_name(actual)}。"),
            ValueDiagnostics(expected_shape=tuple(expected.shape), actual_type=type_name(actual)),
        )
    if actual.shape != expected.shape:
        return Failure(shape_message(label, actual.shape, expected.shape, actual, expected),
                       ValueDiagnostics(expected_shape=tuple(expected.shape), actual_shape=tuple(actual.shape)))
    if actual.dtype != expected.dtype:
        return Failure(
            M(f"{label}: dtype {actual.dtype}, expected {expected.dtype}."
              + (" Integer arithmetic somewhere (e.g. np.zeros_like of an integer array)?" if actual.dtype.kind in "iu" and expected.dtype.kind == "f" else ""),
              f"{label}：dtype 为 {actual.dtype}，应为 {expected.dtype}。"
              + ("是否在某处用了整数运算（例如对整数数组用了 np.zeros_like）？" if actual.dtype.kind in "iu" and expected.dtype.kind == "f" else "")),
            ValueDiagnostics(expected_dtype=str(expected.dtype), actual_dtype=str(actual.dtype)),
        )
    if expected.dtype.kind not in "iufb":
        if np.array_equal(actual, expected):
            return None
        return Failure(M(f"{label}: values differ.", f"{label}：数值不同。"))
    return _compare_values(actual, expected, label, rtol, atol, ctx)


def shape_message(label: str, got: tuple[int, ...], want: tuple[int, ...], actual: Any = None, expected: Any = None) -> Message:
    en = f"{label}: shape {fmt_shape(got)}, expected {fmt_shape(want)}."
    zh = f"{label}：形状为 {fmt_shape(got)}，应为 {fmt_shape(want)}。"
    if len(got) == 2 and len(want) == 2 and got == want[::-1]:
        en += " That is the transpose of the expected shape: transposed (e.g. x @ dout instead of x.T @ dout)?"
        zh += "恰好是正确形状的转置：是不是转置弄反了（例如把 x.T @ dout 写成了别的顺序）？"
    elif len(want) == 1 and len(got) == 2 and got == (want[0], want[0]):
        en += " An accidental broadcast of shape (N,) with (N, 1)?"
        zh += "是否发生了意外的广播（(N,) 与 (N, 1) 相互作用）？"
    elif tuple(n for n in got if n != 1) == tuple(n for n in want if n != 1):
        en += " Same values count, different size-1 axes: keepdims or a reshape?"
        zh += "元素个数相同、只差长度为 1 的轴：检查 keepdims 或 reshape。"
    elif len(got) < len(want):
        en += " An axis was reduced that should have been kept?"
        zh += "是否对不该归约的轴做了归约？"
    return M(en, zh)


def _compare_sequence(actual: Any, expected: list[Any] | tuple[Any, ...], label: str, rtol: float, atol: float, ctx: Context, names: list[str] | None = None) -> Failure | None:
    n = len(expected)
    kind = "tuple" if isinstance(expected, tuple) else "list"
    if not isinstance(actual, (tuple, list)):
        return Failure(
            M(f"{label}: expected a {kind} of {n} values, got {type_name(actual)}.",
              f"{label}：应返回包含 {n} 个值的 {kind}，实际为 {type_name(actual)}。"),
            ValueDiagnostics(expected_type=kind, actual_type=type_name(actual)),
        )
    if len(actual) != n:
        return Failure(
            M(f"{label}: returned {len(actual)} values, expected {n}.",
              f"{label}：返回了 {len(actual)} 个值，应为 {n} 个。"),
            ValueDiagnostics(expected_length=n, actual_length=len(actual)),
        )
    names = names or ctx.output_names or []
    labels = [names[i] if i < len(names) else f"{label}[{i}]" for i in range(n)]
    failures = [(i, compare(a, e, labels[i], rtol, atol, ctx)) for i, (a, e) in enumerate(zip(actual, expected))]
    found = [(i, f) for i, f in failures if f is not None]
    if not found:
        return None
    if len(found) >= 2:
        bad = [i for i, _ in found]
        for x in bad:
            for y in bad:
                if x < y and compare(actual[x], expected[y], "", rtol, atol, Context()) is None \
                        and compare(actual[y], expected[x], "", rtol, atol, Context()) is None:
                    return Failure(
                        M(f"{labels[x]} and {labels[y]} look swapped: each holds the value expected for the other.",
                          f"{labels[x]} 和 {labels[y]} 似乎放反了：每个位置上都是另一个应有的值。"),
                        ValueDiagnostics(swapped=(labels[x], labels[y])),
                    )
    i, first = found[0]
    if len(found) > 1:
        others = ", ".join(labels[j] for j, _ in found[1:])
        first.message = first.message + M(f" ({others} also wrong.)", f"（{others} 也不对。）")
    if first.details.element is None:
        first.details = replace(first.details, element=labels[i])
    return first


def _compare_dict(actual: Any, expected: dict[Any, Any], label: str, rtol: float, atol: float, ctx: Context) -> Failure | None:
    if not isinstance(actual, dict):
        return Failure(M(f"{label}: expected a dict, got {type_name(actual)}.",
                         f"{label}：应返回 dict，实际为 {type_name(actual)}。"))
    missing = [k for k in expected if k not in actual]
    if missing:
        return Failure(M(f"{label}: missing keys {missing}.", f"{label}：缺少键 {missing}。"))
    for key, e in expected.items():
        f = compare(actual[key], e, f"{label}[{key!r}]", rtol, atol, ctx)
        if f:
            return f
    return None


def _compare_values(actual: np.ndarray, expected: np.ndarray, label: str, rtol: float, atol: float, ctx: Context) -> Failure | None:
    """Element-wise comparison of two arrays of the same shape."""
    if expected.dtype.kind == "b" or actual.dtype.kind == "b":
        bad = actual != expected
        if not bad.any():
            return None
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        return _worst_message(label, actual, expected, idx, int(bad.sum()), ctx, None)
    a = actual.astype(np.float64)
    e = expected.astype(np.float64)
    a_fin = np.isfinite(a)
    e_fin = np.isfinite(e)
    # NaN/Inf where the reference is finite; or a different non-finite value.
    nonfinite_bad = (~a_fin & e_fin) | (~e_fin & ~((a == e) | (np.isnan(a) & np.isnan(e))))
    if nonfinite_bad.any():
        where = np.argwhere(nonfinite_bad)
        idx = tuple(int(i) for i in where[0]) if a.ndim else ()
        val = a[idx]
        what = "nan" if np.isnan(val) else fmt_num(val)
        if a.ndim == 0:
            en = f"{label}: {what} where {fmt_num(e[idx])} was expected."
            zh = f"{label}：得到 {what}，应为 {fmt_num(e[idx])}。"
        else:
            en = (f"{label}: {what} at {fmt_index(idx)} where {fmt_num(e[idx])} was expected "
                  f"({int(nonfinite_bad.sum())} non-finite of {a.size}).")
            zh = (f"{label}：在 {fmt_index(idx)} 处得到 {what}，应为 {fmt_num(e[idx])}"
                  f"（共 {a.size} 个值中有 {int(nonfinite_bad.sum())} 个非有限值）。")
        en += " Overflow (exp of a large number), 0/0 or log(0)?"
        zh += "是否发生了上溢（对大数取 exp）、0/0 或 log(0)？"
        msg = M(en, zh)
        shown = show_inputs(ctx, idx if idx else None, a.shape)
        if ctx.note:
            msg = msg + M(f" Case: {ctx.note.en}.", f"用例：{ctx.note.zh}。")
        if shown:
            msg = msg + M(" ", "") + shown
        return Failure(msg, ValueDiagnostics(index=idx, expected=fmt_num(e[idx]), actual=what,
                                             nonfinite=int(nonfinite_bad.sum()), size=int(a.size)))
    both = a_fin & e_fin
    err = np.where(both, np.abs(a - e), 0.0)
    tol = atol + rtol * np.abs(np.where(both, e, 0.0))
    bad = err > tol
    if not bad.any():
        return None
    ratio = np.where(bad, err / np.maximum(tol, 1e-300), 0.0)
    idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(ratio)), a.shape)) if a.ndim else ()
    return _worst_message(label, a, e, idx, int(bad.sum()), ctx, symptom(a, e, ctx))


def _worst_message(label: str, a: np.ndarray, e: np.ndarray, idx: tuple[int, ...], n_bad: int, ctx: Context, symptom: Message | None) -> Failure:
    av, ev = a[idx], e[idx]
    abs_err = abs(float(av) - float(ev))
    rel_err = abs_err / abs(float(ev)) if float(ev) != 0 else float("inf")
    if a.ndim == 0:
        en = f"{label}: expected {fmt_num(ev)}, got {fmt_num(av)} (abs error {abs_err:.3g}, rel error {rel_err:.3g})."
        zh = f"{label}：应为 {fmt_num(ev)}，实际为 {fmt_num(av)}（绝对误差 {abs_err:.3g}，相对误差 {rel_err:.3g}）。"
    else:
        en = (f"{label}: {n_bad} of {a.size} values are wrong; worst at {fmt_index(idx)}: expected {fmt_num(ev)}, "
              f"got {fmt_num(av)} (abs error {abs_err:.3g}, rel error {rel_err:.3g}).")
        zh = (f"{label}：{a.size} 个值中有 {n_bad} 个不对；误差最大处 {fmt_index(idx)}：应为 {fmt_num(ev)}，"
              f"实际为 {fmt_num(av)}（绝对误差 {abs_err:.3g}，相对误差 {rel_err:.3g}）。")
    msg = M(en, zh)
    if symptom is not None:
        msg = msg + M(" ", "") + symptom
    if ctx.note:
        msg = msg + M(f" Case: {ctx.note.en}.", f"用例：{ctx.note.zh}。")
    shown = show_inputs(ctx, idx if idx else None, a.shape)
    if shown:
        msg = msg + M(" ", "") + shown
    small = a.size <= 16
    return Failure(msg, ValueDiagnostics(
        index=idx, expected=float(ev), actual=float(av), abs_error=abs_err, rel_error=rel_err, wrong=n_bad,
        size=int(a.size), symptom=symptom.en if symptom is not None else None,
        expected_all=array_values(e.tolist()) if small else None,
        actual_all=array_values(a.tolist()) if small else None))


def _has_decimals(a: np.ndarray, k: int) -> bool:
    """Every value has at most ``k`` decimals (up to the representation error of
    rounding in binary)."""
    return bool(np.allclose(a, np.round(a, k), rtol=1e-13, atol=1e-15))


def _precision_symptom(a: np.ndarray, e: np.ndarray) -> Message | None:
    """Output rounded to a few decimals, or computed in float32 somewhere: the values
    are right to that precision and no further."""
    if a.dtype.kind != "f" or not np.all(np.isfinite(a)) or not np.all(np.isfinite(e)):
        return None
    err = np.abs(a - e)
    if not err.any():
        return None
    for k in range(1, 9):  # the fewest decimals that the values have, if that is few
        if not _has_decimals(a, k):
            continue
        if _has_decimals(a, k - 1) or not 10.0 ** -(k + 4) < float(err.max()) <= 0.5 * 10.0 ** -k * (1 + 1e-9):
            break
        return M(f"Your values look rounded to {k} decimal{'s' if k != 1 else ''}: each is within "
                 f"{0.5 * 10.0 ** -k:g} of the expected value and has no more digits. Return full float64 "
                 "values; round only when you print.",
                 f"你的结果看起来被四舍五入到了 {k} 位小数：每个值与正确值相差不超过 {0.5 * 10.0 ** -k:g}，"
                 "且没有更多位数。请返回完整的 float64 数值，只在打印时再取整。")
    rel = err / np.maximum(np.abs(e), 1e-300)
    if 1e-10 < float(rel.max()) <= 2e-7 and np.array_equal(a, a.astype(np.float32).astype(np.float64)):
        return M("Your values are right to about 7 significant digits and no more, and every one of them is "
                 "a float32 number: a float32 crept in (np.float32, dtype='float32', or an array that was "
                 "float32). Compute in float64.",
                 "你的结果只在大约 7 位有效数字内正确，而且每个值都恰好是 float32 数：计算中混入了 float32"
                 "（np.float32、dtype='float32'，或某个 float32 数组）。请用 float64 计算。")
    return None


def symptom(a: np.ndarray, e: np.ndarray, ctx: Context) -> Message | None:
    """Name the pattern behind a mismatch, when there is one."""
    precision = _precision_symptom(a, e)
    if precision is not None:
        return precision
    scale = float(np.max(np.abs(e))) if e.size else 0.0
    if scale == 0.0:
        if np.all(a == a.flat[0]) and a.size > 1:
            return M(f"Every value is {fmt_num(a.flat[0])} where 0 was expected.",
                     f"所有值都是 {fmt_num(a.flat[0])}，而应为 0。")
        return None
    # Transposed values (square arrays).
    if a.ndim == 2 and a.shape[0] == a.shape[1] and a.shape[0] > 1 and np.allclose(a, e.T, rtol=1e-7, atol=1e-12 * scale):
        return M("It equals the transpose of the expected array: transposed?",
                 "它恰好等于正确结果的转置：是不是转置弄反了？")
    mask = np.abs(e) > 1e-9 * scale
    if mask.any() and np.all(np.abs(a[~mask]) <= 1e-9 * scale + 1e-300):
        r = a[mask] / e[mask]
        k = float(np.median(r))
        if np.allclose(r, k, rtol=1e-6, atol=0) and abs(k - 1) > 1e-6 and k != 0:
            if abs(k + 1) < 1e-6:
                return M("It has the opposite sign of the expected value: a sign flipped (e.g. − instead of +)?",
                         "它与正确结果符号相反：是不是把正负号弄反了？")
            return _factor_message(k, ctx, a.size)
    d = (a - e)
    if a.size > 1 and np.allclose(d, d.flat[0], rtol=0, atol=1e-9 * scale) and abs(float(d.flat[0])) > 1e-9 * scale:
        c = float(d.flat[0])
        return M(f"Every value is off by the same offset {fmt_num(c)}.",
                 f"所有值都偏差同一个常数 {fmt_num(c)}。")
    return None


def _factor_message(k: float, ctx: Context, size: int = 2) -> Message | None:
    if size == 1:  # one number is always "off by a factor": say so only when it explains
        en = f"Yours is {k:.6g} times the expected value."
        zh = f"你的结果是正确值的 {k:.6g} 倍。"
    else:
        en = f"Every value is off by the same factor {k:.6g} (yours / expected)."
        zh = f"所有值都与正确结果相差同一个倍数 {k:.6g}（你的 / 正确的）。"
    for name, n in ctx.counts:
        if n > 1 and abs(k - n) < 1e-6 * n:
            return M(en + f" That is {name.en} ({n}): a sum where a mean was expected?",
                     zh + f"它正好等于{name.zh}（{n}）：是不是把求平均写成了求和？")
        if n > 1 and abs(k - 1 / n) < 1e-6 / n:
            return M(en + f" That is 1/{name.en} (1/{n}): a mean where a sum was expected, or an extra division?",
                     zh + f"它正好等于 1/{name.zh}（1/{n}）：是不是把求和写成了求平均，或多除了一次？")
    if abs(k - 2) < 1e-6:
        return M(en + " An extra factor of 2?", zh + "是不是多乘了 2？")
    if abs(k - 0.5) < 1e-6:
        return M(en + " A missing factor of 2 (e.g. the 2 from differentiating a square)?",
                 zh + "是不是漏了因子 2（例如对平方求导得到的 2）？")
    return M(en, zh) if size > 1 else None


# --- gradients ---------------------------------------------------------------------------


def relative_error(a: np.ndarray, n: np.ndarray) -> np.ndarray:
    """CS231n's element-wise relative error |a - n| / max(1e-8, |a| + |n|)."""
    err: np.ndarray = np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))
    return err


_BAND_WORDS = {
    "good": M("good (≤ 1e-7)", "良好（≤ 1e-7）"),
    "ok": M("acceptable (≤ 1e-4; fine near kinks)", "可接受（≤ 1e-4；在不可导点附近正常）"),
    "suspicious": M("suspicious (1e-4 … 1e-2)", "可疑（1e-4 … 1e-2）"),
    "wrong": M("wrong (> 1e-2)", "错误（> 1e-2）"),
}


def band(err: float) -> tuple[str, Message]:
    """The band of a gradient's relative error (``engine.diagnostics.gradient_band``)
    and how a message names it."""
    if not np.isfinite(err):
        return "wrong", M("wrong", "错误")
    name = gradient_band(err)
    return name, _BAND_WORDS[name]
