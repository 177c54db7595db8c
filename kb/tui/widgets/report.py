"""A check report (``engine.Report``) drawn for the workspace: the overall status, then
each check with its message and the diagnostics worth seeing at a glance (expected vs
actual side by side for small arrays, the worst element, gradient error bands, the
learner's own traceback lines). The same report ``kb exercise check`` prints."""

from __future__ import annotations

import math
from typing import Any

from rich.cells import set_cell_size
from rich.text import Text

from kb.app.labels import verdict_mark, verdict_word
from kb.i18n import tr

STYLE = {"pass": "bold green", "fail": "bold red", "error": "bold red", "timeout": "bold yellow",
         "memory": "bold yellow", "crashed": "bold magenta", "output-limit": "bold yellow", "not-started": "dim"}


def num(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, tuple):  # a row of a small 2-D result
        return str(_as_lists(value))
    return str(value)


def _as_lists(value: Any) -> Any:
    return [_as_lists(v) for v in value] if isinstance(value, tuple) else value


def headline(report, lang: str) -> Text:
    n_pass = sum(1 for c in report.checks if c.status == "pass")
    text = Text()
    text.append(f"{verdict_mark(report.status)} {verdict_word(report.status, lang)}", style=STYLE.get(report.status, ""))
    text.append(tr(lang, f"  {n_pass}/{len(report.checks)} checks · {report.duration_s:.2f} s",
                   f"  {n_pass}/{len(report.checks)} 项检查 · {report.duration_s:.2f} 秒"), style="dim")
    return text


# How the workspace names the engine's gradient bands (engine.diagnostics.GRADIENT_BANDS).
BAND = {
    "good": ("good", "良好", "green"),
    "ok": ("acceptable", "可接受", "yellow"),
    "suspicious": ("suspicious", "可疑", "yellow"),
    "wrong": ("wrong", "错误", "red"),
}


def band_legend(lang: str) -> str:
    """``bands: ≤1e-7 good · ≤1e-4 acceptable …``, from the engine's limits."""
    from engine.diagnostics import GRADIENT_BANDS

    parts, below = [], 0.0
    for name, limit in GRADIENT_BANDS:
        bound = f"≤{limit:.0e}" if math.isfinite(limit) else f">{below:.0e}"
        below = limit
        en, zh, _ = BAND[name]
        if name == "ok":  # the usual reading of a kink (ReLU at 0), not a bug
            en, zh = en + " near kinks", "不可导点附近" + zh
        parts.append(f"{bound.replace('e-0', 'e-')} {tr(lang, en, zh)}")
    return tr(lang, "bands: ", "区间：") + " · ".join(parts)


def gradient_text(details, lang: str, *, compact: bool = False) -> Text:
    """Per gradient, its largest relative error and the band the engine put it in: one
    line each with the bands' legend, or (``compact``, for a pass) all on one line."""
    from engine.diagnostics import gradient_band

    out = Text()
    errors = list((details.rel_errors or {}).items())
    for i, (name, err) in enumerate(errors):
        which = (details.bands or {}).get(name) or gradient_band(err)
        en, zh, colour = BAND.get(which, BAND["wrong"])
        if compact:
            out.append("      " if i == 0 else " · ", style="dim")
            out.append(f"{name} {err:.1e} ", style="dim")
            out.append(tr(lang, en, zh), style=colour)
            continue
        out.append(tr(lang, f"      {name}: relative error {err:.2e}, ", f"      {name}：相对误差 {err:.2e}，"), style="dim")
        out.append(tr(lang, en, zh) + "\n", style=colour)
    if errors and not compact:
        out.append(f"      {band_legend(lang)}\n", style="dim")
    return out


def diagnostics_text(check, lang: str) -> Text:
    from engine.diagnostics import GradientDiagnostics, ValueDiagnostics

    d = check.details
    out = Text()
    if isinstance(d, ValueDiagnostics):
        expected, actual = d.expected_all, d.actual_all
        if isinstance(expected, tuple) and isinstance(actual, tuple) and len(expected) == len(actual) \
                and 0 < len(expected) <= 12:
            out.append(tr(lang, "      expected        actual\n", "      应为            实际\n"), style="dim")
            for e, a in zip(expected, actual):
                same = e == a or (isinstance(e, float) and isinstance(a, float)
                                  and abs(e - a) <= 1e-9 * max(1.0, abs(e)))
                out.append("      " + set_cell_size(num(e), 16))
                out.append(num(a) + "\n", style="" if same else "bold red")
    if isinstance(d, GradientDiagnostics):
        out.append_text(gradient_text(d, lang))
    for frame in d.traceback or ():
        out.append(tr(lang, f"      line {frame.line}", f"      第 {frame.line} 行"), style="bold")
        out.append(tr(lang, f" in {frame.function}: {frame.source}\n", f"（{frame.function}）：{frame.source}\n"))
    out.rstrip()
    return out


def check_text(check, lang: str, *, same_as_above: bool = False) -> Text:
    text = Text()
    text.append(f"{verdict_mark(check.status)} ", style=STYLE.get(check.status, ""))
    text.append(check.title.get(lang), style="bold" if check.status != "pass" else "")
    if check.status == "pass":
        bands = gradient_text(check.details, lang, compact=True) if check.kind == "gradient" else Text()
        if bands.plain:  # how close a passing gradient is (≤ 1e-4 passes, but is it exact?)
            text.append("\n")
            text.append_text(bands)
            text.rstrip()
        return text
    if same_as_above:
        text.append(tr(lang, " (same as above)", "（同上）"), style="dim")
        return text
    text.append("\n")
    for line in check.message.get(lang).splitlines():
        text.append(f"    {line}\n")
    diag = diagnostics_text(check, lang)
    if diag.plain:
        text.append_text(diag)
    text.rstrip()
    return text


def output_text(report, lang: str) -> Text:
    out = Text()
    for en, zh, body, cut in (("Your code printed", "你的代码输出了", report.stdout, report.stdout_truncated),
                              ("Your code wrote to stderr", "你的代码写到 stderr 的内容", report.stderr,
                               report.stderr_truncated)):
        if body.strip():
            out.append(tr(lang, f"{en}:\n", f"{zh}：\n"), style="dim")
            lines = body.rstrip("\n").splitlines()
            for line in lines[:20]:
                out.append(f"  │ {line}\n", style="dim")
            if len(lines) > 20 or cut:
                out.append(tr(lang, f"  │ … ({len(lines)} lines{', cut' if cut else ''})\n",
                              f"  │ …（共 {len(lines)} 行{'，已截断' if cut else ''}）\n"), style="dim")
    out.rstrip()
    return out


def loss_history(report) -> list[float] | None:
    """The learner's mean loss per epoch from a training check, when the engine sent it."""
    for check in report.checks:
        if check.kind == "training" and check.details.history:
            return [float(v) for v in check.details.history]
    return None


def next_step_text(report, exercise_id: str, lang: str) -> Text:
    if report.status == "pass":
        return Text(tr(lang, "Passed! ctrl+o shows the reference solution to compare.",
                       "通过！按 ctrl+o 查看参考答案作对比。"), style="green")
    if report.status == "not-started":
        return Text(tr(lang, "Replace `raise NotImplementedError` with your code, then ctrl+r. Stuck? ctrl+g for a hint.",
                       "把 `raise NotImplementedError` 换成你的代码，再按 ctrl+r。卡住了？按 ctrl+g 看提示。"), style="dim")
    return Text(tr(lang, "Fix and check again with ctrl+r. Stuck? ctrl+g for a hint.",
                   "修改后按 ctrl+r 再检查。卡住了？按 ctrl+g 看提示。"), style="dim")
