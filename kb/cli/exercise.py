"""``kb exercise``: list, start, check, hint, solution, reset and watch NumPy exercises.

    kb exercise list [--json]
    kb exercise start ID             create your file from the starter, print its path
    kb exercise check ID [--file PATH] [--json]
    kb exercise check --all          authors: every reference passes, no starter does
    kb exercise hint ID              the next hint tier (idea, NumPy tool, partial line)
    kb exercise solution ID [--yes]  after a pass, or after 3 failed attempts
    kb exercise reset ID             back to the starter (your code is backed up)
    kb exercise watch ID             re-check on every save

Heavy modules (NumPy, SQLAlchemy, the engine's checker) are imported inside the
handlers. Exit status: 0 on success (for ``check``: only on a pass), 1 when a check
does not pass, 2 when something the user named does not exist.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kb.i18n import tr

STATUS_MARK = {
    "pass": "✓", "fail": "✗", "error": "!", "timeout": "⏱", "memory": "M", "crashed": "☠",
    "output-limit": "…", "not-started": "·",
}
STATUS_WORD = {
    "en": {"pass": "PASS", "fail": "FAIL", "error": "ERROR", "timeout": "TIMEOUT", "memory": "OUT OF MEMORY",
           "crashed": "CRASHED", "output-limit": "OUTPUT LIMIT", "not-started": "NOT STARTED"},
    "zh": {"pass": "通过", "fail": "未通过", "error": "出错", "timeout": "超时", "memory": "内存不足",
           "crashed": "崩溃", "output-limit": "输出过多", "not-started": "尚未开始"},
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "exercise",
        help="NumPy exercises checked by the engine (list, start, check, hint, solution, reset, watch)",
        description="Implement pieces of deep learning in NumPy; kb checks them numerically "
        "against a reference solution in a sandboxed process.",
    )
    p.set_defaults(func=_group_help(p))
    ex = p.add_subparsers(dest="exercise_command", metavar="ACTION")

    q = ex.add_parser("list", help="every exercise with its difficulty and your status")
    q.add_argument("--json", action="store_true", help="machine-readable output")
    q.set_defaults(func=cmd_list)

    q = ex.add_parser("start", help="create your file from the starter and print its path (never overwrites)")
    q.add_argument("id", metavar="ID")
    q.set_defaults(func=cmd_start)

    q = ex.add_parser("check", help="check your file (exit 0 only on a pass)")
    q.add_argument("id", metavar="ID", nargs="?")
    q.add_argument("--file", metavar="PATH", help="check this file instead of your exercise file")
    q.add_argument("--json", action="store_true", help="print one JSON object (or one per exercise with --all)")
    q.add_argument("--all", action="store_true",
                   help="authoring QA: every reference solution passes and every starter does not")
    q.set_defaults(func=cmd_check)

    q = ex.add_parser("hint", help="show the next hint tier (idea, then NumPy tool, then a partial line)")
    q.add_argument("id", metavar="ID")
    q.set_defaults(func=cmd_hint)

    q = ex.add_parser("solution", help="show the reference solution (after a pass, or 3 failed attempts)")
    q.add_argument("id", metavar="ID")
    q.add_argument("--yes", action="store_true", help="confirm without asking (before a pass)")
    q.set_defaults(func=cmd_solution)

    q = ex.add_parser("reset", help="start over from the starter (your current file is backed up)")
    q.add_argument("id", metavar="ID")
    q.set_defaults(func=cmd_reset)

    q = ex.add_parser("watch", help="re-check your file every time you save it (Ctrl-C to stop)")
    q.add_argument("id", metavar="ID")
    q.add_argument("--file", metavar="PATH", help="watch this file instead of your exercise file")
    q.add_argument("--poll", action="store_true", help="poll for changes instead of using inotify")
    q.add_argument("--max-checks", type=int, default=None, help=argparse.SUPPRESS)
    q.set_defaults(func=cmd_watch)


def _group_help(parser: argparse.ArgumentParser):
    def show(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    return show


# --- helpers --------------------------------------------------------------------------------------


class _Fail(Exception):
    """Raised by helpers for a one-line error; turned into an exit status."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def _run(handler):
    """Wrap a handler: user errors become one line on stderr and an exit status."""

    def wrapped(args: argparse.Namespace) -> int:
        from kb.exercises import ExerciseError

        lang = getattr(args, "lang", "en") or "en"
        try:
            return handler(args, lang)
        except ExerciseError as exc:
            print(f"kb: {exc.message(lang)}", file=sys.stderr)
            return exc.code
        except _Fail as exc:
            print(f"kb: {exc}", file=sys.stderr)
            return exc.code
        except _store_errors() as exc:  # type: ignore[misc]
            msg = exc.message(lang) if hasattr(exc, "message") else str(exc)
            print(f"kb: {msg}", file=sys.stderr)
            return 1

    wrapped.__name__ = handler.__name__
    return wrapped


def _store_errors() -> tuple[type[BaseException], ...]:
    try:
        from kb.progress.errors import ProgressStoreError
    except ImportError:  # pragma: no cover
        return ()
    return (ProgressStoreError,)


def _extra(args: argparse.Namespace) -> list[str] | None:
    return list(getattr(args, "content", None) or []) or None


def _load(args: argparse.Namespace):
    from kb import exercises

    return exercises.load(args.id, _extra(args))


def _pick(text: Any, lang: str) -> str:
    from kb.i18n import pick

    return pick(text, lang)


def _store():
    from kb.progress import open_store

    return open_store()


# --- list -----------------------------------------------------------------------------------------


@_run
def cmd_list(args: argparse.Namespace, lang: str) -> int:
    from kb import exercises

    items = exercises.all_exercises(_extra(args))
    store, why = exercises.open_store_quietly()
    statuses: dict[str, str] = {}
    if store is not None:
        statuses = store.exercise_statuses()
        store.close()
    rows = []
    for ex in items:
        path = exercises.learner_path(ex.id)
        status = statuses.get(ex.id) or ("started" if path.exists() else "new")
        rows.append((ex, status, path))
    if args.json:
        print(json.dumps([{
            "id": ex.id, "title": ex.title.model_dump(), "summary": ex.summary.model_dump(),
            "difficulty": ex.difficulty, "status": status, "file": str(path), "started": path.exists(),
            "concepts": ex.concepts, "tags": ex.tags,
        } for ex, status, path in rows], ensure_ascii=False, indent=2))
        return 0
    words = {"passed": tr(lang, "passed", "已通过"), "attempted": tr(lang, "attempted", "已尝试"),
             "started": tr(lang, "started", "已开始"), "new": tr(lang, "new", "未开始")}
    width = max((len(ex.id) for ex, _, _ in rows), default=10)
    for ex, status, _ in rows:
        mark = {"passed": "✓", "attempted": "✗", "started": "·", "new": " "}[status]
        stars = "★" * ex.difficulty + "☆" * (5 - ex.difficulty)
        print(f"{mark} {ex.id:<{width}}  {stars}  {words[status]:<9}  {_pick(ex.title, lang)}")
    if why:
        print(tr(lang, f"(progress unavailable: {why})", f"（无法读取进度：{why}）"), file=sys.stderr)
    print(tr(lang, "Start one with: kb exercise start ID", "开始练习：kb exercise start ID"), file=sys.stderr)
    return 0


# --- start / reset ----------------------------------------------------------------------------------


@_run
def cmd_start(args: argparse.Namespace, lang: str) -> int:
    from kb import exercises

    ex = _load(args)
    path, created = exercises.start(ex)
    print(path)
    if created:
        print(tr(lang, f"Created from the starter. Edit it, then run: kb exercise check {ex.id}",
                 f"已根据初始代码创建。编辑后运行：kb exercise check {ex.id}"), file=sys.stderr)
    else:
        print(tr(lang, f"Already exists, left as it is (`kb exercise reset {ex.id}` starts over).",
                 f"文件已存在，保持不变（`kb exercise reset {ex.id}` 可以从头开始）。"), file=sys.stderr)
    return 0


@_run
def cmd_reset(args: argparse.Namespace, lang: str) -> int:
    from kb import exercises

    ex = _load(args)
    path, backup = exercises.reset(ex)
    print(path)
    if backup is not None:
        print(tr(lang, f"Reset to the starter. Your previous code is kept in {backup}",
                 f"已恢复为初始代码。你之前的代码保存在 {backup}"), file=sys.stderr)
    else:
        print(tr(lang, "Created from the starter.", "已根据初始代码创建。"), file=sys.stderr)
    return 0


# --- check ---------------------------------------------------------------------------------------------


def print_report(report, ex, lang: str, out=None) -> None:
    out = out or sys.stdout
    status = report.status
    n_pass = sum(1 for c in report.checks if c.status == "pass")
    head = tr(lang, f"{ex.id} — {_pick(ex.title, lang)}: {STATUS_WORD[lang][status]} "
                    f"({n_pass}/{len(report.checks)} checks, {report.duration_s:.2f} s)",
              f"{ex.id} — {_pick(ex.title, lang)}：{STATUS_WORD[lang][status]}"
              f"（{n_pass}/{len(report.checks)} 项检查，{report.duration_s:.2f} 秒）")
    print(head, file=out)
    previous = None
    for c in report.checks:
        title = c.title.get(lang)
        message = c.message.get(lang)
        if c.status != "pass" and message == previous:
            print(f"  {STATUS_MARK.get(c.status, '?')} {title} " + tr(lang, "(same as above)", "（同上）"), file=out)
            continue
        print(f"  {STATUS_MARK.get(c.status, '?')} {title}", file=out)
        if c.status != "pass":
            for line in message.splitlines():
                print(f"      {line}", file=out)
            previous = message
    for label_en, label_zh, text in (("Your code printed", "你的代码输出了", report.stdout),
                                     ("Your code wrote to stderr", "你的代码写到 stderr 的内容", report.stderr)):
        if text.strip():
            print(tr(lang, f"{label_en}:", f"{label_zh}："), file=out)
            lines = text.rstrip("\n").splitlines()
            for line in lines[:40]:
                print(f"  | {line}", file=out)
            if len(lines) > 40:
                print(f"  | … (+{len(lines) - 40})", file=out)
    if status == "pass":
        print(tr(lang, "Passed. `kb exercise solution " + ex.id + "` shows the reference to compare.",
                 "通过！`kb exercise solution " + ex.id + "` 可以查看参考答案作对比。"), file=out)
    elif status == "not-started":
        print(tr(lang, f"Open your file and replace `raise NotImplementedError`. Stuck? kb exercise hint {ex.id}",
                 f"打开你的文件，替换 `raise NotImplementedError`。卡住了？kb exercise hint {ex.id}"), file=out)
    else:
        print(tr(lang, f"Stuck? kb exercise hint {ex.id}", f"卡住了？kb exercise hint {ex.id}"), file=out)


def _check_json(report, ex) -> str:
    data = report.to_dict()
    data["exercise"] = ex.id
    return json.dumps(data, ensure_ascii=False, indent=2)


@_run
def cmd_check(args: argparse.Namespace, lang: str) -> int:
    if args.all:
        if args.id or args.file:
            raise _Fail(tr(lang, "--all checks every exercise: give no ID or --file",
                           "--all 会检查所有练习：不要再给 ID 或 --file"))
        return _check_all(args, lang)
    if not args.id:
        raise _Fail(tr(lang, "which exercise? give an ID (see `kb exercise list`) or --all",
                       "要检查哪个练习？请给出 ID（见 `kb exercise list`）或使用 --all"))
    from engine.worker import Worker  # standard library only

    worker = Worker()  # the child imports NumPy while this process loads the rest

    from kb import exercises

    try:
        ex = _load(args)
        report = exercises.check(ex, args.file, worker=worker)
    finally:
        worker.close()
    if args.json:
        print(_check_json(report, ex))
    else:
        print_report(report, ex, lang)
    sys.stdout.flush()
    # The verdict is on screen first; then the attempt goes to the progress store
    # (SQLAlchemy and the store's migration check cost more than the check itself).
    store, why = exercises.open_store_quietly()
    if store is not None:
        try:
            exercises.record(store, ex, report)
        except Exception as exc:  # the result still counts for the learner
            why = str(exc)
        finally:
            store.close()
    if why:
        print(tr(lang, f"kb: progress not saved: {why}", f"kb：进度未保存：{why}"), file=sys.stderr)
    return 0 if report.status == "pass" else 1


def _check_all(args: argparse.Namespace, lang: str) -> int:
    import tempfile
    from pathlib import Path

    import engine

    with engine.Worker() as worker:
        from kb import exercises

        items = exercises.all_exercises(_extra(args))
        if not items:
            raise _Fail(tr(lang, "no exercises found", "没有找到任何练习"))
        problems = 0
        results = []
        with tempfile.TemporaryDirectory(prefix="kb-check-all-") as tmp:
            for ex in items:
                ref_path = Path(tmp) / f"{ex.id}.solution.py"
                ref_path.write_text(ex.solution, encoding="utf-8")
                starter_path = Path(tmp) / f"{ex.id}.starter.py"
                starter_path.write_text(ex.starter, encoding="utf-8")
                ref = engine.check(ex, ref_path, worker=worker)
                starter = engine.check(ex, starter_path, worker=worker)
                ok = ref.status == "pass" and starter.status != "pass"
                problems += not ok
                results.append({"exercise": ex.id, "ok": ok, "reference": ref.status, "starter": starter.status,
                                "reference_s": round(ref.duration_s, 3),
                                "failures": [{"name": c.name, "status": c.status, "message": c.message.to_dict()}
                                             for c in ref.checks if c.status != "pass"]})
                if not args.json:
                    mark = "✓" if ok else "✗"
                    print(f"{mark} {ex.id:<18} reference: {ref.status:<12} starter: {starter.status:<12} "
                          f"({ref.duration_s:.2f} s)")
                    if ref.status != "pass":
                        for c in ref.checks:
                            if c.status != "pass":
                                print(f"    {c.name}: {c.message.get(lang)}")
                    if starter.status == "pass":
                        print(tr(lang, "    the starter passes: its checks cannot tell it from a solution",
                                 "    初始代码竟然通过了检查：这些检查无法区分它和答案"))
    if args.json:
        print(json.dumps({"ok": problems == 0, "exercises": results}, ensure_ascii=False, indent=2))
    else:
        print(tr(lang, f"{len(results) - problems} of {len(results)} exercises OK.",
                 f"{len(results)} 个练习中 {len(results) - problems} 个正常。"))
    return 0 if problems == 0 else 1


# --- hint / solution ---------------------------------------------------------------------------------


@_run
def cmd_hint(args: argparse.Namespace, lang: str) -> int:
    from kb import exercises

    ex = _load(args)
    total = len(ex.hints)
    store = _store()
    try:
        shown = store.hints_unlocked(ex.id)
        new = shown < total
        if new:
            shown = store.unlock_hint(ex.id, max_tiers=total)
    finally:
        store.close()
    for i, hint in enumerate(ex.hints[:shown]):
        en, zh = exercises.HINT_TIERS[i] if i < len(exercises.HINT_TIERS) else ("hint", "提示")
        label = tr(lang, f"Hint {i + 1}/{total} ({en})", f"提示 {i + 1}/{total}（{zh}）")
        latest = new and i == shown - 1
        print(("» " if latest else "  ") + label + ":")
        for line in _pick(hint, lang).splitlines():
            print(f"    {line}")
    if not new:
        print(tr(lang, "That was the last hint. After 3 failed checks, `kb exercise solution " + ex.id
                 + "` can show the reference.",
                 "这已经是最后一条提示。检查失败 3 次后，`kb exercise solution " + ex.id + "` 可以显示参考答案。"))
    return 0


def _confirm(prompt: str) -> bool:
    if not sys.stdin.isatty():
        return False
    sys.stdout.write(prompt)
    sys.stdout.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes", "是", "好")


@_run
def cmd_solution(args: argparse.Namespace, lang: str) -> int:
    from kb import exercises

    ex = _load(args)
    store = _store()
    try:
        access = exercises.solution_access(store, ex.id)
        if not access.allowed:
            if not access.needs_confirmation:
                left = exercises.ATTEMPTS_FOR_SOLUTION - access.failed
                raise _Fail(tr(
                    lang,
                    f"the solution opens after a pass, or after {exercises.ATTEMPTS_FOR_SOLUTION} failed checks "
                    f"({access.failed} so far, {left} to go). Try `kb exercise hint {ex.id}`.",
                    f"通过检查后，或检查失败 {exercises.ATTEMPTS_FOR_SOLUTION} 次后才能查看答案"
                    f"（目前失败 {access.failed} 次，还差 {left} 次）。先试试 `kb exercise hint {ex.id}`。"), code=1)
            if not args.yes and not _confirm(tr(
                    lang, "You have not passed yet. Show the reference solution anyway? [y/N] ",
                    "你还没有通过。仍然要查看参考答案吗？[y/N] ")):
                raise _Fail(tr(lang, f"not shown (run `kb exercise solution {ex.id} --yes` to confirm)",
                               f"未显示（运行 `kb exercise solution {ex.id} --yes` 以确认）"), code=1)
        store.unlock_solution(ex.id)
    finally:
        store.close()
    print(tr(lang, f"# Reference solution for {ex.id}", f"# {ex.id} 的参考答案"))
    print(ex.solution.rstrip("\n"))
    return 0


# --- watch -----------------------------------------------------------------------------------------------


@_run
def cmd_watch(args: argparse.Namespace, lang: str) -> int:
    from pathlib import Path

    import engine

    worker = engine.Worker()

    from kb import exercises

    try:
        ex = _load(args)
        path = Path(args.file) if args.file else exercises.learner_path(ex.id)
        if not path.is_file():
            raise exercises.ExerciseError(
                f"no file for '{ex.id}' yet: run `kb exercise start {ex.id}` first" if not args.file
                else f"no such file: {path}",
                f"还没有 '{ex.id}' 的文件：请先运行 `kb exercise start {ex.id}`" if not args.file
                else f"文件不存在：{path}")
        store, why = exercises.open_store_quietly()
        if why:
            print(tr(lang, f"kb: progress not saved: {why}", f"kb：进度未保存：{why}"), file=sys.stderr)
        engine.prepare(ex, worker)

        def once() -> None:
            try:
                report = exercises.check(ex, path, worker=worker)
            except exercises.ExerciseError as exc:  # the file vanished between saves
                print(f"kb: {exc.message(lang)}", file=sys.stderr)
                return
            if store is not None:
                try:
                    exercises.record(store, ex, report)
                except Exception:
                    pass
            print("─" * 60)
            print_report(report, ex, lang)
            sys.stdout.flush()

        def ready(mechanism: str) -> None:
            print(tr(lang, f"Watching {path} ({mechanism}); Ctrl-C to stop.",
                     f"正在监视 {path}（{mechanism}）；按 Ctrl-C 停止。"), file=sys.stderr)

        try:
            exercises.watch(path, once, use_inotify=not args.poll, max_runs=args.max_checks, on_ready=ready)
        except KeyboardInterrupt:
            print(file=sys.stderr)
        finally:
            if store is not None:
                store.close()
    finally:
        worker.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``kb exercise ...`` on its own (used when the full CLI is not at hand)."""
    from kb.i18n import resolve_lang

    parser = argparse.ArgumentParser(prog="kb")
    parser.add_argument("--lang", choices=["zh", "en"])
    parser.add_argument("--content", action="append", default=[])
    sub = parser.add_subparsers(dest="command")
    register(sub)
    args = parser.parse_args(argv)
    args.lang = resolve_lang(args.lang)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
