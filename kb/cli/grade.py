"""``kb class grade DIR``: the face of ``kb.app.grading`` — parse, grade, draw."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from kb.errors import FAILED, NOT_FOUND, UNAVAILABLE, USAGE
from kb.i18n import tr
from kb.app.labels import VERDICT_MARKS
from kb.text import terminal_safe

MARKS = VERDICT_MARKS
FIELDS = ["learner", "exercise", "status", "checks_passed", "checks_total", "seconds", "message"]


def add_grade_parser(class_sub: Any, lang: str = "en") -> None:
    """Adds ``grade`` to the ``kb class`` command group."""
    q = class_sub.add_parser("grade", help=tr(lang, "grade DIR/<learner>/<exercise-id>.py in parallel sandboxes",
                                              "在并行沙箱中为 DIR/<学习者>/<练习 id>.py 评分"))
    q.add_argument("dir", metavar="DIR", help=tr(lang, "one folder per learner, one <exercise-id>.py per submission",
                                                 "每位学习者一个文件夹，每份提交一个 <练习 id>.py"))
    q.add_argument("--jobs", type=int, default=None, metavar="N",
                   help=tr(lang, "parallel checks (default: the number of cores)", "并行检查数（默认：CPU 核数）"))
    q.add_argument("--json", action="store_true", help=tr(lang, "print a JSON list, one object per submission",
                                                          "输出 JSON 列表，每份提交一个对象"))
    q.add_argument("--csv", metavar="FILE", help=tr(lang, "also write the results as CSV", "同时把结果写成 CSV"))
    q.set_defaults(func=cmd_grade)


def cmd_grade(args: argparse.Namespace) -> int:
    from kb.app.grading import grade

    lang = getattr(args, "lang", "en") or "en"
    root = Path(args.dir)
    if not root.is_dir():
        print(tr(lang, f"kb: {root} is not a folder (expected DIR/<learner>/<exercise-id>.py)",
                 f"kb：{root} 不是文件夹（应为 DIR/<学习者>/<练习 id>.py）"), file=sys.stderr)
        return NOT_FOUND
    if args.jobs is not None and args.jobs < 1:
        print(tr(lang, "kb: --jobs must be at least 1", "kb：--jobs 至少为 1"), file=sys.stderr)
        return USAGE
    extra = list(getattr(args, "content", None) or []) or None
    live = sys.stderr.isatty() and not args.json

    def progress(result: Any) -> None:
        if live:
            print(f"  {MARKS.get(result.status, '?')} {result.learner}/{result.exercise}", file=sys.stderr)

    run = grade(root, jobs=args.jobs, extra_roots=extra, progress=progress)
    csv_failed = False
    if args.csv:
        try:
            with open(args.csv, "w", newline="", encoding="utf-8") as f:
                writer = csv.DictWriter(f, fieldnames=FIELDS)
                writer.writeheader()
                for r in run.results:
                    writer.writerow(r.to_dict(lang))
        except OSError as exc:  # the grades are still printed below
            print(tr(lang, f"kb: cannot write {args.csv}: {exc.strerror or exc}",
                     f"kb：无法写入 {args.csv}：{exc.strerror or exc}"), file=sys.stderr)
            csv_failed = True
    if args.json:
        print(json.dumps([r.to_dict(lang) for r in run.results], ensure_ascii=False, indent=2))
    else:
        _table(run, lang)
    for skipped in run.skipped:
        print(tr(lang, f"kb: not graded: {terminal_safe(skipped.path)}: {skipped.reason_en}",
                 f"kb：未评分：{terminal_safe(skipped.path)}：{skipped.reason_zh}"), file=sys.stderr)
    for r in run.results:
        if r.status == "ungraded":
            print(tr(lang, f"kb: not graded: {r.learner}/{r.exercise}.py: {terminal_safe(r.message)}",
                     f"kb：未评分：{r.learner}/{r.exercise}.py：{terminal_safe(r.message_zh)}"), file=sys.stderr)
    if csv_failed:
        return UNAVAILABLE
    return 0 if run.complete else FAILED


def _pad(text: str, width: int) -> str:
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


def _table(run: Any, lang: str) -> None:
    """A learner × exercise grid of marks, a legend, then where the class is stuck."""
    exercises = run.exercises()
    learners = run.learners()
    if not run.results:
        print(tr(lang, "No submissions found (expected DIR/<learner>/<exercise-id>.py).",
                 "没有找到提交（应为 DIR/<学习者>/<练习 id>.py）。"))
        return
    cells = {(r.learner, r.exercise): MARKS.get(r.status, "?") for r in run.results}
    name_w = max(len(tr(lang, "learner", "学习者")) + 2, *(len(n) for n in learners))
    labels = [f"E{i + 1}" for i in range(len(exercises))]
    print(_pad(tr(lang, "learner", "学习者"), name_w) + "  " + " ".join(f"{label:>3}" for label in labels)
          + "   " + tr(lang, "passed", "通过"))
    for learner in learners:
        marks = [cells.get((learner, e), "") for e in exercises]
        passed = sum(1 for e in exercises if cells.get((learner, e)) == "✓")
        submitted = sum(1 for m in marks if m)
        print(_pad(terminal_safe(learner), name_w) + "  " + " ".join(" " * (3 - _width(m)) + m for m in marks)
              + f"   {passed}/{submitted}")
    print()
    for label, summary in zip(labels, run.summaries()):
        stuck = (tr(lang, f"; most often fails: {summary.most_common_failure} ({summary.failures})",
                    f"；最常失败的检查：{summary.most_common_failure}（{summary.failures} 次）")
                 if summary.most_common_failure else "")
        print(tr(lang, f"{label:>4} {summary.exercise}: {summary.passed} of {summary.submitted} passed{stuck}",
                 f"{label:>4} {summary.exercise}：{summary.submitted} 份中通过 {summary.passed} 份{stuck}"))
    legend = "  ".join(f"{m} {s}" for s, m in MARKS.items())
    print(tr(lang, f"\n{len(run.results)} submissions, {run.jobs} at a time, {run.seconds:.1f} s.  {legend}",
             f"\n共 {len(run.results)} 份提交，同时检查 {run.jobs} 份，用时 {run.seconds:.1f} 秒。  {legend}"))


def _width(mark: str) -> int:
    from rich.cells import cell_len

    return cell_len(mark)
