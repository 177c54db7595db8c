"""``kb path [ID]``: learning paths, each step's state, and the next step."""

from __future__ import annotations

import argparse
import json

from kb.app.labels import step_mark, step_state, step_verb
from kb.cli import UserError
from kb.errors import NO_RESULTS, NOT_FOUND, did_you_mean
from kb.i18n import tr
from kb.text import terminal_safe


def register(sub: argparse._SubParsersAction, lang: str = "en") -> None:
    p = sub.add_parser(
        "path",
        help=tr(lang, "learning paths: list them, or show one path's steps and the next step",
                "学习路径：列出全部，或显示一条路径的各个步骤和下一步"),
        description=tr(lang, "Without ID: every learning path and how far you are. With ID: each step "
                       "(✓ done, ◐ started, ○ to do, ✗ missing from the content) and what to do next.",
                       "不给 ID：列出所有学习路径和你的进度。给出 ID：显示每一步"
                       "（✓ 已完成，◐ 已开始，○ 待完成，✗ 内容中缺失）以及下一步该做什么。"),
    )
    p.add_argument("id", nargs="?", metavar="ID", help=tr(lang, "a learning path's id", "学习路径的 id"))
    p.add_argument("--done", type=int, metavar="N", help=tr(lang, "mark read step N as read", "将阅读步骤 N 标记为已读"))
    p.add_argument("--json", action="store_true", help=tr(lang, "print as JSON", "以 JSON 输出"))
    p.set_defaults(func=cmd_path)


def _pad(text: str, width: int) -> str:
    """Left-justify by display width (a CJK character takes two columns)."""
    import unicodedata

    cols = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - cols)


def _how(step, path_id: str, lang: str) -> str:
    if step.do == "read":
        return f"kb show {step.ref}  ·  kb path {path_id} --done {step.index}"
    if step.do == "quiz":
        return f"kb quiz --path {path_id}"
    return f"kb exercise start {step.ref}"


def cmd_path(args: argparse.Namespace) -> int:
    from kb.cli.content import open_catalog
    from kb.app.dashboard import followed_path
    from kb.cli.progress import open_progress, store_errors
    from kb.i18n import pick
    from kb.learning_path import next_step, path_status, progress_fraction

    lang = args.lang
    catalog = open_catalog(args)
    store = open_progress(args)

    if args.id is None:
        if args.done is not None:
            raise UserError(tr(lang, "--done needs a path ID", "--done 需要指定路径 ID"))
        rows = []
        with store_errors(args):
            for summary in catalog.list(kind="path"):
                path = catalog.get(summary.id)
                st = path_status(catalog, store, path)
                nxt = next_step(st)
                rows.append((path, st, nxt))
            followed = followed_path(catalog, store, catalog.list(kind="path"))  # the one Home follows
        followed_id = followed[0].id if followed is not None else None
        if args.json:
            print(json.dumps([{"id": p.id, "title": p.title.model_dump(), "steps": len(st),
                               "done": sum(1 for s in st if s.state == "done"),
                               "next": nxt.to_dict() if nxt else None, "followed": p.id == followed_id}
                              for p, st, nxt in rows],
                             ensure_ascii=False, indent=2))
            return 0
        if not rows:
            print(tr(lang, "No learning paths in the content.", "内容中没有学习路径。"))
            return NO_RESULTS
        width = max(len(p.id) for p, _, _ in rows)
        for path, st, nxt in rows:
            done = sum(1 for s in st if s.state == "done")
            frac = progress_fraction(st)
            title = terminal_safe(pick(path.title, lang))
            mark = "→" if path.id == followed_id else " "
            print(f"{mark} {path.id:<{width}}  {done:>2}/{len(st):<2} {frac * 100:>3.0f}%  {title}")
        print(tr(lang, "Show one: kb path ID (→ the path Home follows; change it with "
                 "`kb progress settings current_path ID`)",
                 "查看某条路径：kb path ID（→ 为首页跟随的路径；用 `kb progress settings current_path ID` 更改）"))
        return 0

    path = catalog.get(args.id)
    if path is None or getattr(path, "kind", None) != "path":
        paths = [s.id for s in catalog.list(kind="path")]
        raise UserError(tr(lang, f"no learning path '{args.id}'{did_you_mean(args.id, paths, lang)} (see `kb path`)",
                           f"没有名为“{args.id}”的学习路径{did_you_mean(args.id, paths, lang)}（见 `kb path`）"),
                        code=NOT_FOUND)
    with store_errors(args):
        if args.done is not None:
            if not 1 <= args.done <= len(path.steps):
                raise UserError(tr(lang, f"step {args.done} does not exist (1–{len(path.steps)})",
                                   f"第 {args.done} 步不存在（1–{len(path.steps)}）"), code=NOT_FOUND)
            step = path.steps[args.done - 1]
            if step.do != "read":
                raise UserError(tr(lang, f"step {args.done} is a {step.do} step: it is done by "
                                   + ("answering its quiz items" if step.do == "quiz" else "passing the exercise"),
                                   f"第 {args.done} 步是{step_verb(step.do, 'zh')}步骤："
                                   + ("答对其测验题即完成" if step.do == "quiz" else "通过练习即完成")))
            store.mark_read(step.ref)
        st = path_status(catalog, store, path)
    nxt = next_step(st)
    if args.json:
        print(json.dumps({"id": path.id, "title": path.title.model_dump(),
                          "steps": [s.to_dict() for s in st],
                          "next": nxt.to_dict() if nxt else None}, ensure_ascii=False, indent=2))
        return 0

    done = sum(1 for s in st if s.state == "done")
    print(f"{terminal_safe(pick(path.title, lang))}  ({path.id})  " + tr(lang, f"{done}/{len(st)} done", f"已完成 {done}/{len(st)}"))
    for s in st:
        title = terminal_safe(pick(s.title, lang)) if s.title is not None else ""
        extra = ""
        if s.do == "quiz" and s.total and s.state != "missing":
            extra = tr(lang, f" — {s.done}/{s.total} known", f" — 已掌握 {s.done}/{s.total}")
        line = f"  {step_mark(s.state)} {s.index:>2}. {_pad(step_verb(s.do, lang), 8)} {s.ref}"
        if title and title != s.ref:
            line += f" · {title}"
        print(line + extra + (f"  [{step_state(s.state, lang)}]" if s.state in ("missing", "started") else ""))
        if s.note is not None:
            print(f"        {terminal_safe(pick(s.note, lang))}")
    if nxt is None:
        print(tr(lang, "Path complete. Keep reviewing with kb quiz.", "路径已完成。继续用 kb quiz 复习。"))
    else:
        print(tr(lang, f"Next: step {nxt.index} — {_how(nxt, path.id, lang)}",
                 f"下一步：第 {nxt.index} 步 — {_how(nxt, path.id, lang)}"))
    return 0
