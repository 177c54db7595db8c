"""``kb quiz``: a spaced-repetition session at the terminal (stdin/stdout, no TUI).

Each answer is graded at once with its explanation; the proposed rating (Good when
right, Again when wrong) is taken with Enter or overridden with 1-4 / a/h/g/e; ``:u``
undoes the session's last rating (Anki's ``u``) and asks that item again. Every
rated answer is committed immediately, so end-of-file or Ctrl-C loses nothing that
was answered; an answer given but not yet rated is saved with the proposed rating.
"""

from __future__ import annotations

import argparse
import sys
import time

from kb.cli import UserError
from kb.errors import NO_RESULTS, NOT_FOUND, did_you_mean
from kb.i18n import tr
from kb.text import terminal_safe


def register(sub: argparse._SubParsersAction, lang: str = "en") -> None:
    p = sub.add_parser(
        "quiz",
        help=tr(lang, "review quiz items with spaced repetition (due first, then new)",
                "用间隔重复复习测验题（先复习到期的，再学新题）"),
        description=tr(lang, "A study session: due items first, then up to N new ones. "
                       "Answer, read the explanation, then press Enter to accept the proposed rating "
                       "or type 1 Again, 2 Hard, 3 Good, 4 Easy. Type :s to skip, :u to undo the last rating "
                       "(the item is asked again), :q to stop.",
                       "一次学习：先做到期的题，再做最多 N 道新题。作答并阅读解析后，按回车接受建议的评分，"
                       "或输入 1 重来、2 困难、3 良好、4 简单。输入 :s 跳过，:u 撤销上一次评分（该题会再问一次），"
                       ":q 结束。"),
    )
    p.add_argument("--tag", metavar="T", help=tr(lang, "only items with this tag", "只做带这个标签的题"))
    p.add_argument("--path", metavar="P", help=tr(lang, "only the quiz steps of this learning path",
                                                  "只做这条学习路径中的测验步骤"))
    p.add_argument("--new", metavar="N", type=_count,
                   help=tr(lang, "at most N new items (default: setting new_per_session, 10)",
                           "最多 N 道新题（默认：设置 new_per_session，即 10）"))
    p.set_defaults(func=cmd_quiz)


def _count(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return n


UNDO = (":u", ":undo", "：u")


class _Quit(Exception):
    pass


def _read(prompt: str) -> str:
    """One line from stdin. EOF -> EOFError; Ctrl-C -> KeyboardInterrupt. At a
    terminal, input() gives line editing (arrows, CJK input methods)."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return input(prompt)
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\r\n")


def _show_item(entry, left: str, lang: str) -> None:
    from kb.i18n import pick
    from kb.quiz.grading import LETTERS, input_hint

    item = entry.item
    tag = {"due": tr(lang, "review", "复习"), "new": tr(lang, "new", "新题"),
           "again": tr(lang, "again", "再练")}[entry.kind]
    print()
    print(f"[{left}] {tag} · {item.id}")
    print(terminal_safe(pick(item.question, lang)))  # content text: no terminal controls
    for i, choice in enumerate(getattr(item, "choices", None) or []):
        print(f"  {LETTERS[i]}. {terminal_safe(pick(choice, lang))}")
    print(tr(lang, f"({input_hint(item, lang)}; Enter = don't know)", f"（{input_hint(item, lang)}；直接回车 = 不会）"))


def cmd_quiz(args: argparse.Namespace) -> int:
    from kb.cli.content import open_catalog
    from kb.cli.progress import open_progress, store_errors
    from kb.i18n import when
    from kb.i18n import pick
    from kb.quiz.grading import Grade, InvalidResponse, expected_text
    from kb.progress.scheduling import RATING_LABELS, parse_rating
    from kb.quiz.session import NoSuchPath, QuizSession, select_items

    lang = args.lang
    store = open_progress(args)
    catalog = open_catalog(args)
    try:
        items = select_items(catalog, tag=args.tag, path=args.path)
    except NoSuchPath:
        paths = [s.id for s in catalog.list(kind="path")]
        hint = did_you_mean(args.path, paths, lang)
        raise UserError(tr(lang, f"no learning path '{args.path}'{hint} (see `kb path`)",
                           f"没有名为“{args.path}”的学习路径{hint}（见 `kb path`）"), code=NOT_FOUND) from None
    if not items:
        what = tr(lang, f" with tag '{args.tag}'" if args.tag else "", f"（标签“{args.tag}”）" if args.tag else "")
        raise UserError(tr(lang, f"no quiz items{what} in the content (see `kb list --kind quiz`)",
                           f"内容中没有测验题{what}（见 `kb list --kind quiz`）"), code=NO_RESULTS)

    with store_errors(args):
        session = QuizSession(store, items, new_limit=args.new, lang=lang)
    labels = RATING_LABELS[lang]
    if not session.queue:
        with store_errors(args):
            nxt = store.next_due_time(item_ids=[it.id for _, it in items])
        print(tr(lang, "Nothing to review now.", "现在没有需要复习的题目。")
              + (tr(lang, f" Next review {when(nxt, store.now(), lang)}.", f" 下次复习：{when(nxt, store.now(), lang)}。")
                 if nxt else ""))
        return 0

    due = sum(1 for e in session.queue if e.kind == "due")
    new = len(session.queue) - due
    print(tr(lang, f"{due} to review, {new} new. Type :s to skip, :u to undo the last rating, :q to stop.",
             f"待复习 {due} 题，新题 {new} 题。输入 :s 跳过，:u 撤销上一次评分，:q 结束。"))

    def undo() -> bool:
        """Undo the session's last rating; False (and why) when there is none."""
        from kb.progress import ProgressStoreError

        try:
            back = session.undo()  # None, and nothing changed, when there is nothing to undo
        except ProgressStoreError as exc:
            print(exc.message(lang))
            return False
        if back is None:
            print(tr(lang, "Nothing to undo in this session.", "本次练习还没有可撤销的评分。"))
            return False
        print(tr(lang, f"Undone: your rating of {back.item_id} was taken back; answer it again.",
                 f"已撤销对 {back.item_id} 的评分；请重新作答。"))
        return True


    rating_keys = " · ".join(f"{k} {labels[k]}" for k in (1, 2, 3, 4))
    code = 0
    shown = 0
    try:
        with store_errors(args):
            while (entry := session.next_item()) is not None:
                shown += 1
                from kb.quiz.session import counts_label

                _show_item(entry, counts_label(session.counts(), lang), lang)
                started = time.monotonic()
                while True:
                    text = _read("> ")
                    cmd = text.strip().casefold()
                    if cmd in (":q", ":quit", "：q"):
                        raise _Quit
                    if cmd in (":s", ":skip", "：s"):
                        session.skip(entry)
                        grade = None
                        break
                    if cmd in UNDO:
                        if undo():
                            grade = None
                            break
                        continue
                    if not cmd:
                        grade = Grade(False, expected_text(entry.item, lang), None)
                        break
                    try:
                        grade = session.check(entry, text)
                        break
                    except InvalidResponse as exc:
                        print(exc.message(lang))
                if grade is None:
                    continue
                duration_ms = int((time.monotonic() - started) * 1000)
                if grade.correct:
                    print(tr(lang, "✓ Right.", "✓ 正确。"))
                else:
                    expected = terminal_safe(grade.expected)
                    print(tr(lang, f"✗ Not quite. Answer: {expected}", f"✗ 不对。正确答案：{expected}"))
                explanation = terminal_safe(pick(entry.item.explanation, lang))
                if explanation:
                    print(explanation)
                proposed = session.answered(entry, grade, text, duration_ms)  # kept if the session ends now
                while True:
                    choice = _read(tr(lang, f"Rate [Enter = {labels[proposed]}] {rating_keys}: ",
                                      f"评分 [回车 = {labels[proposed]}] {rating_keys}："))
                    if choice.strip().casefold() in UNDO:
                        if undo():  # this answer is dropped (never stored); asked again after
                            break
                        continue
                    quit_after = choice.strip().casefold() in (":q", ":quit", "：q")
                    rating = proposed if not choice.strip() or quit_after else parse_rating(choice)
                    if rating is not None:
                        break
                    print(tr(lang, "Type 1, 2, 3 or 4 (or Enter).", "请输入 1、2、3 或 4（或直接回车）。"))
                if session.pending is None:  # undone: ask the item that came back
                    continue
                assert rating is not None  # the loop ends with a rating unless the answer was undone
                out = session.rate(entry, rating, grade=grade, answer=text or None, duration_ms=duration_ms)
                print(tr(lang, f"Next review {when(out.after.due, out.review.at, lang)}.",
                         f"下次复习：{when(out.after.due, out.review.at, lang)}。"))
                if quit_after:
                    raise _Quit
    except _Quit:
        pass
    except EOFError:
        print()
    except KeyboardInterrupt:
        print()
        code = 130
    finally:
        try:
            session.end()  # answered, not rated: kept with the proposed rating
        except Exception as exc:  # noqa: BLE001 - report, never lose the summary
            print(tr(lang, f"could not save the last answer: {exc}", f"未能保存最后一个答案：{exc}"),
                  file=sys.stderr)

    lines = session.summary().lines(lang, session.now())
    print()
    print(tr(lang, "Session: ", "本次：") + lines[0])
    for line in lines[1:]:
        print(line)
    return code
