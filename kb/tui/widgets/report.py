"""A check report (``engine.Report``) drawn for the workspace: the overall status, then
each check with its message and the diagnostics worth seeing at a glance (expected vs
actual side by side for small arrays, the worst element, gradient error bands, the
learner's own traceback lines). The same report ``kb exercise check`` prints."""

from __future__ import annotations

from typing import Any

from rich.cells import set_cell_size
from rich.text import Text

from kb.i18n import tr

MARK = {"pass": "✓", "fail": "✗", "error": "!", "timeout": "⏱", "memory": "M", "crashed": "☠",
        "output-limit": "…", "not-started": "·"}
STYLE = {"pass": "bold green", "fail": "bold red", "error": "bold red", "timeout": "bold yellow",
         "memory": "bold yellow", "crashed": "bold magenta", "output-limit": "bold yellow", "not-started": "dim"}
WORD = {
    "en": {"pass": "PASS", "fail": "FAIL", "error": "ERROR", "timeout": "TIMEOUT", "memory": "OUT OF MEMORY",
           "crashed": "CRASHED", "output-limit": "OUTPUT LIMIT", "not-started": "NOT STARTED"},
    "zh": {"pass": "通过", "fail": "未通过", "error": "出错", "timeout": "超时", "memory": "内存不足",
           "crashed": "崩溃", "output-limit": "输出过多", "not-started": "尚未开始"},
}


def num(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def headline(report, lang: str) -> Text:
    n_pass = sum(1 for c in report.checks if c.status == "pass")
    text = Text()
    text.append(f"{MARK.get(report.status, '?')} {WORD[lang].get(report.status, report.status)}", style=STYLE.get(report.status, ""))
    text.append(tr(lang, f"  {n_pass}/{len(report.checks)} checks · {report.duration_s:.2f} s",
                   f"  {n_pass}/{len(report.checks)} 项检查 · {report.duration_s:.2f} 秒"), style="dim")
    return text


def band(rel_error: float) -> tuple[str, str, str]:
    """CS231n's reading of a gradient check's relative error."""
    if rel_error <= 1e-7:
        return "good", "很好", "green"
    if rel_error <= 1e-4:
        return "fine for kinks", "有折点时可接受", "yellow"
    if rel_error <= 1e-2:
        return "suspicious", "可疑", "yellow"
    return "wrong", "错误", "red"


def diagnostics_text(check, lang: str) -> Text:
    d = check.diagnostics or {}
    out = Text()
    expected, actual = d.get("expected_all"), d.get("actual_all")
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual) and 0 < len(expected) <= 12:
        out.append(tr(lang, "      expected        actual\n", "      应为            实际\n"), style="dim")
        for e, a in zip(expected, actual):
            same = e == a or (isinstance(e, float) and isinstance(a, float) and abs(e - a) <= 1e-9 * max(1.0, abs(e)))
            out.append("      " + set_cell_size(num(e), 16))
            out.append(num(a) + "\n", style="" if same else "bold red")
    for key in ("rel_error", "max_rel_error", "relative_error"):
        value = d.get(key)
        if check.kind == "gradient" and isinstance(value, (int, float)):
            en, zh, colour = band(float(value))
            out.append(tr(lang, f"      relative error {value:.2e}: ", f"      相对误差 {value:.2e}："), style="dim")
            out.append(tr(lang, en, zh) + "\n", style=colour)
            out.append(tr(lang, "      bands: ≤1e-7 good · ≤1e-4 kinks · ≤1e-2 suspicious · >1e-2 wrong\n",
                          "      区间：≤1e-7 很好 · ≤1e-4 折点 · ≤1e-2 可疑 · >1e-2 错误\n"), style="dim")
            break
    for frame in d.get("traceback") or []:
        if isinstance(frame, (list, tuple)) and len(frame) >= 3:
            line, fn, source = frame[:3]
            out.append(tr(lang, f"      line {line}", f"      第 {line} 行"), style="bold")
            out.append(tr(lang, f" in {fn}: {source}\n", f"（{fn}）：{source}\n"))
    out.rstrip()
    return out


def check_text(check, lang: str, *, same_as_above: bool = False) -> Text:
    text = Text()
    text.append(f"{MARK.get(check.status, '?')} ", style=STYLE.get(check.status, ""))
    text.append(check.title.get(lang), style="bold" if check.status != "pass" else "")
    if check.status == "pass":
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
        if check.kind == "training":
            d = check.diagnostics or {}
            for key in ("history", "loss_history", "losses"):
                values = d.get(key)
                if isinstance(values, list) and values:
                    return [float(v) for v in values if isinstance(v, (int, float))]
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
