"""``kb exercise``: list, start, check, hint, solution, reset and watch NumPy exercises.

    kb exercise list [--json]
    kb exercise start ID             create your file from the starter, print its path
    kb exercise check ID [--file PATH] [--json]
    kb exercise check --all          authors: every reference passes, no starter does
    kb exercise hint ID              the next hint tier (idea, NumPy tool, partial line)
    kb exercise solution ID [--yes]  after a pass, or after 3 failed attempts
    kb exercise reset ID             back to the starter (your code is backed up)
    kb exercise watch ID             re-check on every save

    kb exercise open ID              open your file in $VISUAL / $EDITOR

Heavy modules (NumPy, SQLAlchemy, the engine's checker) are imported inside the
handlers. Exit status (:mod:`kb.errors`): 0 on success (for ``check``: only on a pass),
1 when a check does not pass, 3 when something the user named does not exist, 5 when
the sandbox or the progress store cannot be used, 6 while the solution is locked.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from kb.errors import NO_RESULTS, REFUSED, UNAVAILABLE, USAGE
from kb.i18n import tr



def register(sub: argparse._SubParsersAction, lang: str = "en") -> None:
    p = sub.add_parser(
        "exercise",
        help=tr(lang, "NumPy exercises checked by the engine (list, start, open, check, hint, solution, reset, watch)",
                "由引擎检查的 NumPy 练习（list、start、open、check、hint、solution、reset、watch）"),
        description=tr(lang, "Implement pieces of deep learning in NumPy; kb checks them numerically "
                       "against a reference solution in a sandboxed process.",
                       "用 NumPy 实现深度学习的各个部件；kb 在沙箱进程中将其与参考答案进行数值比对。"),
    )
    p.set_defaults(func=_group_help(p))
    ex = p.add_subparsers(dest="exercise_command", metavar="ACTION")
    id_help = tr(lang, "the exercise's id (see `kb exercise list`)", "练习的 id（见 `kb exercise list`）")
    json_help = tr(lang, "machine-readable output (JSON)", "输出机器可读的 JSON")

    q = ex.add_parser("list", help=tr(lang, "every exercise with its difficulty and your status",
                                      "所有练习及其难度和你的状态"))
    q.add_argument("--json", action="store_true", help=json_help)
    q.set_defaults(func=cmd_list)

    q = ex.add_parser("start", help=tr(lang, "create your file from the starter and print its path (never overwrites)",
                                       "根据初始代码创建你的文件并输出其路径（从不覆盖）"))
    q.add_argument("id", metavar="ID", help=id_help)
    q.set_defaults(func=cmd_start)

    q = ex.add_parser("open", help=tr(lang, "open your file in $VISUAL or $EDITOR (created from the starter if needed)",
                                      "用 $VISUAL 或 $EDITOR 打开你的文件（需要时先根据初始代码创建）"))
    q.add_argument("id", metavar="ID", help=id_help)
    q.set_defaults(func=cmd_open)

    q = ex.add_parser("check", help=tr(lang, "check your file (exit 0 only on a pass)", "检查你的文件（只有通过时退出码为 0）"))
    q.add_argument("id", metavar="ID", nargs="?", help=id_help)
    q.add_argument("--file", metavar="PATH", help=tr(lang, "check this file instead of your exercise file",
                                                     "检查这个文件，而不是你的练习文件"))
    q.add_argument("--json", action="store_true", help=tr(lang, "print one JSON object (or one per exercise with --all)",
                                                          "输出一个 JSON 对象（使用 --all 时每个练习一个）"))
    q.add_argument("--all", action="store_true",
                   help=tr(lang, "authoring QA: every reference solution passes and every starter does not",
                           "作者自检：每个参考答案都通过，每份初始代码都不通过"))
    q.set_defaults(func=cmd_check)

    q = ex.add_parser("hint", help=tr(lang, "show the next hint tier (idea, then NumPy tool, then a partial line)",
                                      "显示下一级提示（思路，然后是 NumPy 工具，最后是部分代码）"))
    q.add_argument("id", metavar="ID", help=id_help)
    q.set_defaults(func=cmd_hint)

    q = ex.add_parser("solution", help=tr(lang, "show the reference solution (after a pass, or 3 failed attempts)",
                                          "显示参考答案（通过后，或失败 3 次后）"))
    q.add_argument("id", metavar="ID", help=id_help)
    q.add_argument("--yes", action="store_true", help=tr(lang, "confirm without asking (before a pass)",
                                                         "不再询问，直接确认（尚未通过时）"))
    q.set_defaults(func=cmd_solution)

    q = ex.add_parser("reset", help=tr(lang, "start over from the starter (your current file is backed up)",
                                       "从初始代码重新开始（你当前的文件会被备份）"))
    q.add_argument("id", metavar="ID", help=id_help)
    q.set_defaults(func=cmd_reset)

    q = ex.add_parser("sandbox", help=tr(lang, "which isolation confines your code during a check, and why",
                                         "检查时用什么隔离方式限制你的代码，以及原因"))
    q.add_argument("--json", action="store_true", help=tr(lang, "print one JSON object", "输出一个 JSON 对象"))
    q.set_defaults(func=cmd_sandbox)

    q = ex.add_parser("watch", help=tr(lang, "re-check your file every time you save it (Ctrl-C to stop)",
                                       "每次保存文件时重新检查（按 Ctrl-C 停止）"))
    q.add_argument("id", metavar="ID", help=id_help)
    q.add_argument("--file", metavar="PATH", help=tr(lang, "watch this file instead of your exercise file",
                                                     "监视这个文件，而不是你的练习文件"))
    q.add_argument("--poll", action="store_true", help=tr(lang, "poll for changes instead of using inotify",
                                                          "轮询文件变化，而不使用 inotify"))
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

    def __init__(self, message: str, code: int = USAGE):
        super().__init__(message)
        self.code = code


def _run(handler):
    """Wrap a handler: user errors become one line on stderr and an exit status."""

    def wrapped(args: argparse.Namespace) -> int:
        lang = getattr(args, "lang", "en") or "en"
        try:
            return handler(args, lang)
        except _Fail as exc:
            print(f"kb: {exc}", file=sys.stderr)
            return exc.code
        except Exception as exc:
            # imported here, not first: a check starts its checking children before
            # anything that is not needed to start them
            from engine.sandbox import SandboxUnavailable  # standard library only
            from kb.exercises import ExerciseError
            from kb.progress.errors import ProgressStoreError  # no SQLAlchemy

            if isinstance(exc, ExerciseError):
                print(f"kb: {exc.message(lang)}", file=sys.stderr)
                return exc.code
            if isinstance(exc, SandboxUnavailable):
                print(tr(lang, f"kb: {exc} (KB_SANDBOX=require). See `kb exercise sandbox`.",
                         f"kb：{exc}（KB_SANDBOX=require）。见 `kb exercise sandbox`。"), file=sys.stderr)
                return UNAVAILABLE
            if isinstance(exc, ProgressStoreError):
                print(f"kb: {exc.message(lang)}", file=sys.stderr)
                return UNAVAILABLE
            raise

    wrapped.__name__ = handler.__name__
    return wrapped


def _say_isolation(worker: Any, lang: str) -> None:
    """Once per command, plainly: learner code ran without the namespace sandbox."""
    iso = worker.isolation
    if iso is not None and iso.mode == "limits" and worker.mode != "off":
        print(tr(lang, f"kb: your code ran with resource limits only, not in the sandbox: {iso.reason}. "
                       "See `kb exercise sandbox`.",
                 f"kb：你的代码只在资源限制下运行，没有沙箱隔离：{iso.reason}。见 `kb exercise sandbox`。"),
              file=sys.stderr)


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
    from kb.app.labels import exercise_mark, exercise_state_label
    from kb.text import terminal_safe

    from kb import exercises

    items = exercises.all_exercises(_extra(args))
    store, why = exercises.open_store_quietly()
    statuses: dict[str, str] = {}
    if store is not None:
        statuses = store.exercise_statuses()
        store.close()
    rows = []
    for ex in items:
        rows.append((ex, exercises.exercise_state(ex.id, statuses), exercises.learner_path(ex.id)))
    if args.json:
        print(json.dumps([{
            "id": ex.id, "title": ex.title.model_dump(), "summary": ex.summary.model_dump(),
            "track": getattr(ex, "track", "foundations"),
            "difficulty": ex.difficulty, "status": status, "file": str(path), "started": path.exists(),
            "concepts": ex.concepts, "tags": ex.tags,
        } for ex, status, path in rows], ensure_ascii=False, indent=2))
        return 0
    width = max((len(ex.id) for ex, _, _ in rows), default=10)
    track = None
    for ex, status, _ in rows:
        if getattr(ex, "track", "foundations") != track:
            track = getattr(ex, "track", "foundations")
            done = sum(1 for e, st, _ in rows if getattr(e, "track", "foundations") == track and st == "passed")
            total = sum(1 for e, _, _ in rows if getattr(e, "track", "foundations") == track)
            print(("" if ex is rows[0][0] else "\n") + tr(lang, f"{_track_label(ex, lang)} ({done}/{total} passed)",
                                                          f"{_track_label(ex, lang)}（已通过 {done}/{total}）"))
        stars = "★" * ex.difficulty + "☆" * (5 - ex.difficulty)
        word = exercise_state_label(status, lang)  # marks and words as Home and Browse show them
        print(f"{exercise_mark(status)} {ex.id:<{width}}  {stars}  {word:<9}  {terminal_safe(_pick(ex.title, lang))}")
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
def cmd_open(args: argparse.Namespace, lang: str) -> int:
    from kb import exercises
    from kb.app.editor import EditorError, run_editor

    ex = _load(args)
    path, created = exercises.start(ex)
    if created:
        print(tr(lang, f"Created {path} from the starter.", f"已根据初始代码创建 {path}。"), file=sys.stderr)
    try:
        run_editor(path)
    except EditorError as exc:
        raise _Fail(exc.message(lang), code=UNAVAILABLE) from None
    print(path)
    print(tr(lang, f"Check it: kb exercise check {ex.id}", f"检查：kb exercise check {ex.id}"), file=sys.stderr)
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
    from kb.app.labels import verdict_mark, verdict_word
    from kb.text import terminal_safe

    out = out or sys.stdout
    status = report.status
    n_pass = sum(1 for c in report.checks if c.status == "pass")
    head = tr(lang, f"{ex.id} — {_pick(ex.title, lang)}: {verdict_word(status, lang)} "
                    f"({n_pass}/{len(report.checks)} checks, {report.duration_s:.2f} s)",
              f"{ex.id} — {_pick(ex.title, lang)}：{verdict_word(status, lang)}"
              f"（{n_pass}/{len(report.checks)} 项检查，{report.duration_s:.2f} 秒）")
    print(head, file=out)
    previous = None
    for c in report.checks:
        # Messages quote the learner's exceptions and values: nothing in them may act on
        # the terminal.
        title = terminal_safe(c.title.get(lang))
        message = terminal_safe(c.message.get(lang))
        if c.status != "pass" and message == previous:
            print(f"  {verdict_mark(c.status)} {title} " + tr(lang, "(same as above)", "（同上）"), file=out)
            continue
        print(f"  {verdict_mark(c.status)} {title}", file=out)
        if c.status != "pass":
            for line in message.splitlines():
                print(f"      {line}", file=out)
            previous = message
    for label_en, label_zh, text in (("Your code printed", "你的代码输出了", report.stdout),
                                     ("Your code wrote to stderr", "你的代码写到 stderr 的内容", report.stderr)):
        if text.strip():
            print(tr(lang, f"{label_en}:", f"{label_zh}："), file=out)
            lines = terminal_safe(text).rstrip("\n").splitlines()
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
    return _json(data)


def _json(data: Any) -> str:
    """JSON for the terminal: json.dumps escapes C0 controls but, with non-ASCII kept
    readable, lets DEL and the C1 controls (0x9b acts as ESC [ on some terminals) through
    raw; they can only occur inside strings, where the escaped form means the same."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return re.sub("[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)


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
    import gc
    import os

    from engine.worker import Worker  # standard library only

    worker = Worker()  # the child imports NumPy while this process loads the rest
    # This process's NumPy only compares results: OpenBLAS's threads would start for
    # nothing and take the cores from the checking children (A/B over 15 alternating
    # runs: 20 ms of a cold check). A user's own setting is kept.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # One check, then the process ends: no collector passes over what pydantic and NumPy
    # build as they load (measured: a full pass after the verdict cost ~20 ms).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check_file(args, lang, worker)
    finally:
        if collecting:
            gc.enable()


def _check_file(args: argparse.Namespace, lang: str, worker: Any) -> int:
    from kb import exercises
    from kb.app.workspace import Workspace

    store = None
    catalog = exercises.open_catalog_quietly(_extra(args))
    try:
        # the index's validated document: no YAML or pydantic on a cold check's path
        ex = exercises.for_check(args.id, _extra(args), catalog)
        # The store and what follows a pass, while the checking children import NumPy
        # (this process would wait for them otherwise); the attempt is written after
        # the verdict is on screen.
        store, store_error = exercises.open_store_quietly()
        workspace = Workspace(ex, store, store_error=store_error, catalog=catalog, extra_roots=_extra(args))
        workspace.look_ahead()
        try:
            report = workspace.run(args.file, worker=worker)
        finally:
            worker.close()
        if args.json:
            print(_check_json(report, ex))
        else:
            print_report(report, ex, lang)
        sys.stdout.flush()
        _say_isolation(worker, lang)
        checked = workspace.record(report)
    finally:
        worker.close()
        if catalog is not None:
            catalog.close()
        if store is not None:
            store.close()
    if checked.saved_error:
        print(tr(lang, f"kb: progress not saved: {checked.saved_error}", f"kb：进度未保存：{checked.saved_error}"),
              file=sys.stderr)
    if report.status == "pass" and not args.json:
        _say_next(checked, lang)
    from kb.cli import end_at_once

    end_at_once()  # the children, the store and the index are closed
    return 0 if report.status == "pass" else 1


def _say_next(checked: Any, lang: str, out: Any = None) -> None:
    """After a pass: the next exercise, and why it is next (kb.app.workspace.Checked)."""
    from kb.text import terminal_safe

    out = out or sys.stdout
    if checked.all_passed:
        print(tr(lang, "That was the last exercise you had left: every one is passed.",
                 "这是你剩下的最后一个练习：所有练习都已通过。"), file=out)
        return
    following = checked.following
    if following is None:  # not known (the content could not be read): no suggestion
        return
    nxt = following.exercise
    title = terminal_safe(_pick(nxt.title, lang))
    if following.path_title:
        why_en = f"next in the path “{terminal_safe(following.path_title.get('en') or '')}”"
        why_zh = f"学习路径“{terminal_safe(following.path_title.get('zh') or '')}”中的下一个练习"
    else:
        track = _track_label(nxt, lang)
        why_en, why_zh = f"next in the course: {track}", f"课程中的下一个练习：{track}"
    print(tr(lang, f"Next: {nxt.id} — {title} ({why_en}). Start it: kb exercise start {nxt.id}",
             f"下一个：{nxt.id} — {title}（{why_zh}）。开始：kb exercise start {nxt.id}"), file=out)


def _track_label(ex: Any, lang: str) -> str:
    from kb.app.labels import track_name

    return track_name(getattr(ex, "track", "foundations"), lang)


def _check_all(args: argparse.Namespace, lang: str) -> int:
    """Every exercise: its inputs build, its reference passes and its starter does not.
    One exercise that cannot be checked (an exception anywhere in checking it) is that
    exercise's error line; the others are still checked, and the exit status says so."""
    import tempfile

    import engine

    worker = engine.Worker()  # the child imports NumPy while this process loads the content
    try:
        from kb import exercises

        items = exercises.all_exercises(_extra(args))
        if not items:
            raise _Fail(tr(lang, "no exercises found", "没有找到任何练习"), code=NO_RESULTS)
        results = []
        with tempfile.TemporaryDirectory(prefix="kb-check-all-") as tmp:
            for ex in items:
                try:
                    row = _check_one(ex, tmp, worker, lang)
                except Exception as exc:  # any failure is this exercise's, not the run's
                    row = {"exercise": ex.id, "ok": False, "error": f"{type(exc).__name__}: {exc}"}
                    worker.close()  # it may have been left mid-job: the next exercise gets a fresh one
                    worker = engine.Worker()
                results.append(row)
                if not args.json:
                    _print_check_row(row, lang)
                    sys.stdout.flush()  # one line per exercise as it finishes, also into a pipe
    finally:
        worker.close()
    bad = [r["exercise"] for r in results if not r["ok"]]
    if args.json:
        print(_json({"ok": not bad, "exercises": results}))
    else:
        print(tr(lang, f"{len(results) - len(bad)} of {len(results)} exercises OK.",
                 f"{len(results)} 个练习中 {len(results) - len(bad)} 个正常。")
              + (tr(lang, f" Not OK: {', '.join(bad)}.", f"有问题的：{'、'.join(bad)}。") if bad else ""))
    return 0 if not bad else 1


def _check_one(ex, tmp: str, worker, lang: str) -> dict[str, Any]:
    """One exercise's row for ``check --all``."""
    from pathlib import Path

    import engine
    from engine.inputs import materialise

    # Inputs first: a spec that cannot be built (or is too large) would fail, or fill
    # memory, inside the check; `kb validate` reports the same problems.
    problems = materialise(ex)
    if problems:
        return {"exercise": ex.id, "ok": False,
                "error": tr(lang, "the checks' inputs cannot be built (`kb validate` reports where)",
                            "检查的输入无法构建（`kb validate` 会指出位置）"),
                "problems": [str(p) for p in problems]}
    ref_path = Path(tmp) / f"{ex.id}.solution.py"
    ref_path.write_text(ex.solution, encoding="utf-8")
    starter_path = Path(tmp) / f"{ex.id}.starter.py"
    starter_path.write_text(ex.starter, encoding="utf-8")
    ref = engine.check(ex, ref_path, worker=worker)
    starter = engine.check(ex, starter_path, worker=worker)
    return {"exercise": ex.id, "ok": ref.status == "pass" and starter.status != "pass",
            "reference": ref.status, "starter": starter.status, "reference_s": round(ref.duration_s, 3),
            "failures": [{"name": c.name, "status": c.status, "message": c.message.to_dict()}
                         for c in ref.checks if c.status != "pass"]}


def _print_check_row(row: dict[str, Any], lang: str) -> None:
    from kb.app.labels import verdict_mark
    from kb.text import terminal_safe

    ident = row["exercise"]
    if "error" in row:
        print(f"{verdict_mark('error')} {ident:<18} " + tr(lang, "error: ", "出错：") + terminal_safe(row["error"]))
        for problem in row.get("problems", []):
            print(f"    {terminal_safe(problem)}")
        return
    mark = "✓" if row["ok"] else "✗"
    print(f"{mark} {ident:<18} reference: {row['reference']:<12} starter: {row['starter']:<12} "
          f"({row['reference_s']:.2f} s)")
    for failure in row["failures"]:
        print(f"    {failure['name']}: {terminal_safe(failure['message'][lang])}")
    if row["starter"] == "pass":
        print(tr(lang, "    the starter passes: its checks cannot tell it from a solution",
                 "    初始代码竟然通过了检查：这些检查无法区分它和答案"))


# --- hint / solution ---------------------------------------------------------------------------------


@_run
def cmd_sandbox(args: argparse.Namespace, lang: str) -> int:
    from engine.worker import Worker

    with Worker() as worker:
        worker.wait_ready()
        iso = worker.isolation
    assert iso is not None
    if args.json:
        print(_json(dict(iso.to_dict(), requested=worker.mode)))
        return 0
    if iso.mode == "namespaces":
        print(tr(lang, "Sandbox: namespaces (bubblewrap, then a user, PID, mount and IPC namespace of its own "
                       "for each check)",
                 "沙箱：命名空间（bubblewrap，并且每次检查都有自己的用户、PID、挂载和 IPC 命名空间）"))
        print(tr(lang, f"  bwrap: {iso.bwrap}", f"  bwrap：{iso.bwrap}"))
        print(tr(lang, "  your code sees: the system libraries, Python's standard library and NumPy, read-only;\n"
                       "  a private 64 MiB /tmp; no network, no other process, none of your files",
                 "  你的代码能看到：只读的系统库、Python 标准库和 NumPy；私有的 64 MiB /tmp；\n"
                 "  看不到网络、其他进程和你的任何文件"))
    else:
        print(tr(lang, "Sandbox: resource limits only (no namespaces)", "沙箱：只有资源限制（没有命名空间）"))
        print(tr(lang, f"  why: {iso.reason}", f"  原因：{iso.reason}"))
        print(tr(lang, "  your code can read and write your files like any program you run",
                 "  你的代码可以像你运行的任何程序一样读写你的文件"))
    seccomp = tr(lang, "on: no new processes, sockets, ptrace or mounts", "开启：不能创建进程、套接字，不能 ptrace 或挂载")
    print(tr(lang, f"  seccomp filter: {seccomp if iso.seccomp else 'not available here'}",
             f"  seccomp 过滤器：{seccomp if iso.seccomp else '此系统不可用'}"))
    print(tr(lang, "  limits: time, CPU, memory (address space), output; KB_SANDBOX=off|require chooses",
             "  限制：时间、CPU、内存（地址空间）、输出；用 KB_SANDBOX=off|require 选择"))
    return 0


@_run
def cmd_hint(args: argparse.Namespace, lang: str) -> int:
    from kb import exercises
    from kb.app.workspace import Workspace

    ex = _load(args)
    store = _store()
    try:
        hints = Workspace(ex, store).unlock_hint()
    finally:
        store.close()
    total, shown, new = hints.total, hints.shown, hints.new
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
    from kb.app.workspace import Workspace

    ex = _load(args)
    store = _store()
    try:
        workspace = Workspace(ex, store)
        gate = workspace.ask_solution(confirmed=args.yes)
        if gate.decision == "locked":
            raise _Fail(gate.locked_message(lang, (f"Try `kb exercise hint {ex.id}`.",
                                                   f"先试试 `kb exercise hint {ex.id}`。")), code=REFUSED)
        if gate.decision == "confirm":
            if not _confirm(tr(lang, "You have not passed yet. Show the reference solution anyway? [y/N] ",
                               "你还没有通过。仍然要查看参考答案吗？[y/N] ")):
                raise _Fail(tr(lang, f"not shown (run `kb exercise solution {ex.id} --yes` to confirm)",
                               f"未显示（运行 `kb exercise solution {ex.id} --yes` 以确认）"), code=REFUSED)
            workspace.ask_solution(confirmed=True)
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
    from kb.app.workspace import Workspace

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
        workspace = Workspace(ex, store, store_error=why, extra_roots=_extra(args))
        engine.prepare(ex, worker)

        def once() -> None:
            try:
                checked = workspace.check(path, worker=worker)
            except exercises.ExerciseError as exc:  # the file vanished between saves
                print(f"kb: {exc.message(lang)}", file=sys.stderr)
                return
            print("─" * 60)
            print_report(checked.report, ex, lang)
            if checked.saved_error and store is not None:  # (no store at all was said once above)
                print(tr(lang, f"kb: progress not saved: {checked.saved_error}",
                         f"kb：进度未保存：{checked.saved_error}"), file=sys.stderr)
            if checked.report.status == "pass":
                _say_next(checked, lang)
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
