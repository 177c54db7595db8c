"""``kb class``: the teacher's tools over a shared progress store.

``kb class report [--json] [--csv FILE]`` summarises every learner of the store that
``KB_DATABASE_URL`` names (PostgreSQL): exercises passed, reviews in the last 7 days, true
retention, mastery per tag, last active; and per exercise how many passed and where the
class is stuck. The figures are computed in :mod:`kb.progress.classroom`; this module
only draws them.

Each action registers itself on the ``class`` group in :func:`register` (one line per
action), so a new one is a function and a line there.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
from datetime import datetime

from kb.cli import UserError
from kb.errors import UNAVAILABLE
from kb.i18n import tr
from kb.text import terminal_safe


def register(sub: argparse._SubParsersAction, lang: str = "en") -> None:
    p = sub.add_parser(
        "class",
        help=tr(lang, "a teacher's tools for a class sharing one progress database",
                "教师工具：用于共享同一个进度数据库的班级"),
        description=tr(lang, "Tools for a class whose progress is shared in one PostgreSQL database "
                       "(KB_DATABASE_URL=postgresql+psycopg://…). `kb class report` summarises the class; "
                       "`kb class grade DIR` grades a folder of submissions in parallel sandboxes.",
                       "用于进度共享在同一个 PostgreSQL 数据库中的班级"
                       "（KB_DATABASE_URL=postgresql+psycopg://…）。`kb class report` 汇总全班情况；"
                       "`kb class grade DIR` 在并行沙箱中为一个文件夹的提交评分。"),
    )
    actions = p.add_subparsers(dest="class_command", metavar="ACTION", parser_class=type(p))
    register_report(actions, lang)
    from kb.cli.grade import add_grade_parser

    add_grade_parser(actions, lang)  # grading needs no shared store: a folder of files is enough


def register_report(actions: argparse._SubParsersAction, lang: str = "en") -> None:
    r = actions.add_parser(
        "report",
        help=tr(lang, "every learner's figures side by side, and where the class is stuck",
                "并排列出每位学习者的数据，以及全班卡在哪里"),
        description=tr(lang, "Per learner: exercises passed, reviews in the last 7 days, true retention, "
                       "mastery per tag, last active. Per exercise: how many passed and the most common first "
                       "failing check. Reads the shared store named by KB_DATABASE_URL.",
                       "每位学习者：已通过的练习、近 7 天的复习次数、实际保持率、各标签掌握度、最近活动。"
                       "每个练习：通过人数和最常见的首个未通过检查。读取 KB_DATABASE_URL 指定的共享存储。"),
    )
    r.add_argument("--json", action="store_true", help=tr(lang, "print the whole report as JSON", "以 JSON 输出整份报告"))
    r.add_argument("--csv", metavar="FILE", help=tr(lang, "also write the per-learner table to FILE as CSV",
                                                    "同时把学习者表格以 CSV 写入 FILE"))
    r.set_defaults(func=cmd_report)


# --- shared by the class actions --------------------------------------------------------------


def open_class_store(args: argparse.Namespace):
    """The shared store, or one line (exit 5, unavailable) when it is a single learner's file."""
    from kb.cli.progress import open_progress
    from kb.progress.peek import local_path

    path = local_path()
    url = "" if path is not None else os.environ.get("KB_DATABASE_URL", "").strip()
    if path is not None or url.lower().startswith("sqlite"):  # refused before it is opened (or created)
        where = str(path) if path is not None else url
        raise UserError(tr(
            args.lang,
            f"kb class needs the class's shared database, but the progress store is one learner's "
            f"SQLite file ({where}); set KB_DATABASE_URL=postgresql+psycopg://USER:PASSWORD@HOST/DB",
            f"kb class 需要全班共享的数据库，但当前进度存储是单个学习者的 SQLite 文件（{where}）；"
            f"请设置 KB_DATABASE_URL=postgresql+psycopg://用户:密码@主机/数据库",
        ), code=UNAVAILABLE)
    return open_progress(args)


# --- kb class report ----------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    from kb.cli.content import open_catalog
    from kb.cli.progress import store_errors
    from kb.progress.classroom import class_report
    from kb.progress.stats import catalog_scope

    store = open_class_store(args)
    try:
        scope = catalog_scope(open_catalog(args))  # figures measured against the content
        with store_errors(args):
            data = class_report(store, items_by_tag=scope.get("items_by_tag"),
                                exercise_ids=scope.get("exercise_ids"))
    finally:
        store.close()
    if args.csv:
        write_csv(data, args.csv, args.lang)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    for line in render_report(data, args.lang):
        print(terminal_safe(line))
    if args.csv:
        print(tr(args.lang, f"Wrote the per-learner table to {args.csv}", f"已将学习者表格写入 {args.csv}"))
    return 0


def write_csv(data: dict, path: str, lang: str) -> None:
    from kb.progress.classroom import learner_csv_rows

    header, rows = learner_csv_rows(data)
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(rows)
    except OSError as exc:
        raise UserError(tr(lang, f"cannot write {path}: {exc.strerror or exc}",
                           f"无法写入 {path}：{exc.strerror or exc}"), code=UNAVAILABLE) from None


def _width(text: str) -> int:
    """Terminal columns (CJK characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(_width(c) for c in col) for col in zip(header, *rows)]
    out = ["  ".join(_pad(h, w, i in right) for i, (h, w) in enumerate(zip(header, widths))).rstrip()]
    out.append("  ".join("─" * w for w in widths))
    for row in rows:
        out.append("  ".join(_pad(c, w, i in right) for i, (c, w) in enumerate(zip(row, widths))).rstrip())
    return out


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def _ago(iso: str | None, now: datetime, lang: str) -> str:
    if iso is None:
        return tr(lang, "never", "从未")
    secs = (now - datetime.fromisoformat(iso)).total_seconds()
    if secs < 3600:
        n = max(0, round(secs / 60))
        return tr(lang, f"{n} min ago", f"{n} 分钟前")
    if secs < 86400:
        n = round(secs / 3600)
        return tr(lang, f"{n} h ago", f"{n} 小时前")
    n = round(secs / 86400)
    return tr(lang, f"{n} day{'s' if n != 1 else ''} ago", f"{n} 天前")


def _bar(frac: float, width: int = 16) -> str:
    frac = max(0.0, min(1.0, frac))
    full = int(round(frac * width))
    return "█" * full + "░" * (width - full)


def render_report(data: dict, lang: str) -> list[str]:
    """The report as plain lines (no colour: it is read in a terminal or a pipe)."""
    now = datetime.fromisoformat(data["now"])
    learners, exercises = data["learners"], data["exercises"]
    lines = [tr(lang, f"Class report — {len(learners)} learner{'s' if len(learners) != 1 else ''}, "
                      f"{now:%Y-%m-%d %H:%M} UTC",
                f"班级报告 — {len(learners)} 名学习者，{now:%Y-%m-%d %H:%M} UTC")]
    if not learners:
        lines.append(tr(lang, "Nobody has studied with this store yet.", "还没有人使用这个存储学习。"))
        return lines

    lines.append("")
    total = next((r["exercises_total"] for r in learners if r["exercises_total"] is not None), None)
    header = [tr(lang, "learner", "学习者"), tr(lang, "passed", "已通过"),
              tr(lang, f"reviews {data['recent_days']}d", f"近 {data['recent_days']} 天复习"),
              tr(lang, "retention", "保持率"), tr(lang, "weakest tag", "最弱标签"),
              tr(lang, "last active", "最近活动")]
    rows = []
    for r in learners:
        passed = f"{r['exercises_passed']}" + (f"/{total}" if total is not None else "")
        weakest = "—"
        if r["mastery_by_tag"]:
            tag, m = min(r["mastery_by_tag"].items(), key=lambda kv: (kv[1], kv[0]))
            weakest = f"{tag} {_pct(m)}"
        rows.append([r["learner"], passed, str(r["reviews_7d"]), _pct(r["true_retention"]), weakest,
                     _ago(r["last_active"], now, lang)])
    lines += _table(header, rows, right={1, 2, 3})
    lines.append(tr(lang, f"retention: true retention over the last {learners[0]['retention_window_days']} days "
                          "(answers not \"Again\" on cards in review), as `kb progress` shows it",
                    f"保持率：近 {learners[0]['retention_window_days']} 天的实际保持率（复习状态卡片中未选“重来”的比例），"
                    "与 `kb progress` 相同"))

    tried = [e for e in exercises if e["attempted"]]
    lines.append("")
    lines.append(tr(lang, "Exercises (where the class is stuck):", "练习（全班卡在哪里）："))
    if not tried:
        lines.append(tr(lang, "  no exercise has been checked yet", "  还没有人检查过练习"))
    else:
        header = [tr(lang, "exercise", "练习"), tr(lang, "passed", "通过"), tr(lang, "tried", "尝试"),
                  tr(lang, "most common failing check", "最常见的未通过检查")]
        rows = []
        for e in sorted(tried, key=lambda e: (-e["stuck_learners"], e["passed"], e["exercise"])):
            stuck = e["stuck_on"]
            where = "—"
            if stuck is not None:
                what = stuck["check"] if stuck["check"] is not None else f"({stuck['status']})"
                where = what + tr(lang, f" — {stuck['learners']} learner{'s' if stuck['learners'] != 1 else ''}",
                                  f" — {stuck['learners']} 人")
            rows.append([e["exercise"], f"{e['passed']}", f"{e['attempted']}", where])
        lines += ["  " + line for line in _table(header, rows, right={1, 2})]

    if data["mastery_by_tag"]:
        lines.append("")
        lines.append(tr(lang, "Class mastery by tag (mean recall probability now):",
                        "全班各标签掌握度（当前平均回忆概率）："))
        width = max(_width(m["tag"]) for m in data["mastery_by_tag"])
        for m in sorted(data["mastery_by_tag"], key=lambda m: (m["mastery"] or 0.0, m["tag"])):
            lines.append(f"  {_pad(m['tag'], width)} {_bar(m['mastery'] or 0.0)} {_pct(m['mastery']):>4}")
    return lines
