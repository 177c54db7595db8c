"""Quiz: a spaced-repetition session (``kb quiz``) with keys or the mouse.

The core's :class:`kb.quiz.session.QuizSession` picks the items (due first, then new),
grades, proposes a rating and writes each review the moment it is rated. This screen
shows the question, takes the answer (a choice list, a check list or a text box),
shows right/wrong with the explanation at once, lets the learner change the proposed
rating (1-4) before moving on, and ends with the session's summary. ``u`` (or the Undo
button, or ctrl+z while typing an answer) takes back the session's last rating, as
Anki's ``u`` does: the review leaves the store and the item is asked again.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Header, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from kb.errors import explain
from kb.i18n import pick
from kb.tui.screens.base import KbScreen
from kb.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from datetime import datetime

    from kb.quiz.grading import Grade
    from kb.quiz.session import QuizSession, SessionItem

LETTERS = "ABCDEFGH"


class AnswerList(SelectionList):
    """A check list for multiple-choice items: space toggles, Enter answers."""

    BINDINGS = [Binding("enter", "submit", "Answer", id="kb.submit")]

    class Submitted(Message):
        pass

    def action_submit(self) -> None:
        self.post_message(self.Submitted())


class QuizScreen(KbScreen):
    BINDINGS = [
        Binding("escape", "leave", "End session", id="kb.end-session"),
        Binding("1", "rate(1)", "Rate", key_display="1-4", id="kb.rate"),
        Binding("2", "rate(2)", show=False),
        Binding("3", "rate(3)", show=False),
        Binding("4", "rate(4)", show=False),
        Binding("question_mark", "dont_know", "Don't know", show=False),
        Binding("n,enter", "next", "Next", id="kb.next"),
        Binding("u", "undo", "Undo", id="kb.undo"),
        Binding("ctrl+z", "undo_typing", show=False),  # u types a letter in the answer box
    ]

    DEFAULT_CSS = """
    QuizScreen #undo-button { margin: 1 0 0 0; }
    """

    class Ready(Message):
        def __init__(self, session, error: str | None = None, next_due=None) -> None:
            super().__init__()
            self.session, self.error, self.next_due = session, error, next_due

    class Rated(Message):
        def __init__(self, outcome, error: str | None = None) -> None:
            super().__init__()
            self.outcome, self.error = outcome, error

    class Undone(Message):
        def __init__(self, entry, error: str | None = None) -> None:
            super().__init__()
            self.entry, self.error = entry, error

    def __init__(self, *, path: str | None = None, tag: str | None = None, step_ref: str | None = None) -> None:
        super().__init__()
        self.path, self.tag, self.step_ref = path, tag, step_ref
        self.session: QuizSession | None = None
        self.error: str | None = None
        self.next_due: datetime | None = None
        self.entry: SessionItem | None = None  # the item being asked
        self.grade: Grade | None = None  # its grade once answered
        self.answer_text: str | None = None
        self.rating: int | None = None
        self.started = 0.0
        self.duration_ms = 0
        self.shown = 0
        self.finished = False
        self.saving = False

    def compose(self) -> ComposeResult:
        yield Header()
        from kb.tui.widgets.prose import Prose  # Chinese wraps by kinsoku rules

        with VerticalScroll(id="quiz"):
            yield Static(id="quiz-progress")
            yield Prose(id="question")
            yield OptionList(id="choices")
            yield AnswerList(id="multi")
            yield Input(id="answer-input")
            yield Static(id="input-hint", classes="muted")
            yield Prose(id="feedback")
            with Horizontal(id="ratings"):
                for r in (1, 2, 3, 4):
                    yield Button(str(r), id=f"rate-{r}", compact=True)
                yield Button("→", id="next-button", variant="primary", compact=True)
            yield Static(id="summary")
            yield Button("↶", id="undo-button", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        for wid in ("#choices", "#multi", "#answer-input", "#input-hint", "#feedback", "#ratings", "#summary",
                    "#undo-button"):
            self.query_one(wid).display = False

    def on_services(self, services) -> None:
        if self.session is None and self.error is None:
            self.start(services)

    @work(thread=True, exclusive=True, group="quiz", exit_on_error=False)
    def start(self, services) -> None:
        if services.store is None:
            self.post_message(self.Ready(None, services.store_error or "no progress store"))
            return
        from kb.quiz.session import NoSuchPath, QuizSession, select_items

        catalog = services.catalog
        try:
            if self.step_ref is not None:
                from kb.learning_path import step_quiz_items

                items = step_quiz_items(catalog, self.step_ref)
            else:
                items = select_items(catalog, tag=self.tag, path=self.path)
        except NoSuchPath:
            self.post_message(self.Ready(None, f"no learning path '{self.path}'"))
            return
        if not items:
            self.post_message(self.Ready(None, "no-items"))
            return
        session = QuizSession(services.store, items, lang=self.app.lang)
        next_due = None
        if not session.queue:
            next_due = services.store.next_due_time(item_ids=[it.id for _, it in items])
        self.post_message(self.Ready(session, None, next_due))

    def on_quiz_screen_ready(self, message: Ready) -> None:
        self.session, self.error, self.next_due = message.session, message.error, message.next_due
        self.show_next()

    # -- asking -----------------------------------------------------------------------

    def show_next(self) -> None:
        self.entry = self.live.next_item() if self.session is not None else None
        self.grade = self.answer_text = self.rating = None
        if self.entry is None:
            self.finish()
            return
        self.shown += 1
        self.started = time.monotonic()
        # Each question opens empty: the last answer left in the box would be submitted,
        # graded and stored for a question the learner never answered.
        self.query_one("#answer-input", Input).value = ""
        self.query_one("#multi", AnswerList).deselect_all()
        self.render_question()
        self.refresh_bindings()

    @property
    def live(self) -> QuizSession:
        """The session, for the steps that only run once it has started."""
        assert self.session is not None
        return self.session

    @property
    def asked(self) -> SessionItem:
        """The item being asked, for the steps that only run while one is."""
        assert self.entry is not None
        return self.entry

    def item_type(self) -> str:
        return getattr(self.asked.item, "type", "")

    def render_question(self) -> None:
        t, lang, entry = self.t, self.lang, self.entry
        self.render_undo()
        if self.finished or entry is None:
            self.render_summary()
            return
        self.live.lang = lang
        item = entry.item
        kind = {"due": t("review", "复习"), "new": t("new", "新题"), "again": t("again", "再练")}[entry.kind]
        from kb.quiz.session import counts_label

        # What is left, as Anki shows it: a total that only shrinks (an Again comes back).
        left = counts_label(self.live.counts(), lang)
        self.query_one("#quiz-progress", Static).update(f"{left} · {kind} · {item.id}")
        self.query_one("#question", Static).update(Text(pick(item.question, lang)))
        answered = self.grade is not None
        typ = self.item_type()
        choices = self.query_one("#choices", OptionList)
        multi = self.query_one("#multi", AnswerList)
        field = self.query_one("#answer-input", Input)
        hint = self.query_one("#input-hint", Static)
        choices.display = typ in ("single", "true_false")
        multi.display = typ == "multiple"
        field.display = typ in ("numeric", "short")
        if typ in ("single", "true_false"):
            highlighted = choices.highlighted
            choices.clear_options()
            labels = ([pick(c, lang) for c in item.choices] if typ == "single"
                      else [t("True", "对"), t("False", "错")])
            right, picked = self.choice_marks()
            for i, label in enumerate(labels):
                prompt = Text(f"{LETTERS[i]}. {label}")
                if answered and i in right:
                    prompt = Text.assemble(("✓ ", "bold green"), prompt)
                elif answered and i in picked:
                    prompt = Text.assemble(("✗ ", "bold red"), prompt)
                elif answered:
                    prompt = Text.assemble("  ", prompt)
                choices.add_option(Option(prompt, id=str(i)))
            choices.highlighted = highlighted if highlighted is not None else 0
            choices.disabled = answered
            if not answered:
                choices.focus()
        elif typ == "multiple":
            selected = set(multi.selected)
            multi.clear_options()
            right, _ = self.choice_marks()
            marks = (lambda i: ("✓ " if i in right else "  ")) if answered else (lambda i: "")
            multi.add_options([(f"{marks(i)}{LETTERS[i]}. {pick(c, lang)}", i, i in selected)
                               for i, c in enumerate(item.choices)])
            multi.disabled = answered
            if not answered:
                multi.focus()
        else:
            field.disabled = answered
            field.placeholder = t("Type your answer and press Enter", "输入答案后按回车")
            if not answered:
                field.focus()
        if not answered:
            from kb.quiz.grading import input_hint

            how = {"single": t("Enter or click a choice, or press its letter", "回车或点击选项，也可按字母键"),
                   "true_false": t("Enter or click, or press t / f", "回车或点击，也可按 t / f"),
                   "multiple": t("space toggles a choice, Enter answers", "空格勾选，回车作答")}.get(
                typ, input_hint(item, lang))
            hint.update(Text(f"{how} · {t('? = I don’t know', '? = 不会')} · {t('esc ends the session', 'esc 结束')}"))
        hint.display = not answered
        self.render_feedback()

    def choice_marks(self) -> tuple[set[int], set[int]]:
        """(the right choices, the learner's) of a choice item, as indexes."""
        item, typ = self.asked.item, self.item_type()
        if typ == "single":
            right = {item.answer}
        elif typ == "multiple":
            right = set(item.answers)
        elif typ == "true_false":
            right = {0 if item.answer else 1}
        else:
            return set(), set()
        response = self.grade.response if self.grade is not None else None
        if response is None:
            picked: set[int] = set()
        elif typ == "true_false":
            picked = {0 if response else 1}
        elif typ == "multiple":
            picked = set(response)
        else:
            picked = {int(response)}
        return right, picked

    def on_key(self, event) -> None:
        """Letters answer choice items; t/f answer true/false items."""
        if self.entry is None or self.grade is not None or self.finished:
            return
        typ, key = self.item_type(), (event.character or "").lower()
        if typ == "single" and key and key.upper() in LETTERS[: len(self.asked.item.choices)]:
            self.answer(LETTERS.index(key.upper()), key.upper())
            event.stop()
        elif typ == "true_false" and key in ("t", "f", "a", "b"):
            value = key in ("t", "a")
            self.answer(value, "t" if value else "f")
            event.stop()
        elif typ == "multiple" and key and key.upper() in LETTERS[: len(self.asked.item.choices)]:
            self.query_one("#multi", AnswerList).toggle(LETTERS.index(key.upper()))
            event.stop()

    @on(OptionList.OptionSelected, "#choices")
    def choice_selected(self, event: OptionList.OptionSelected) -> None:
        if self.grade is not None or self.entry is None:
            return
        index = int(event.option.id or 0)  # every option is made with its index as id
        if self.item_type() == "true_false":
            self.answer(index == 0, "t" if index == 0 else "f")
        else:
            self.answer(index, LETTERS[index])

    @on(AnswerList.Submitted)
    def multi_submitted(self) -> None:
        if self.grade is not None or self.entry is None:
            return
        chosen = sorted(self.query_one("#multi", AnswerList).selected)
        if not chosen:
            self.notify(self.t("Tick at least one choice (space), then Enter.", "请至少勾选一个选项（空格），再按回车。"))
            return
        self.answer(frozenset(chosen), " ".join(LETTERS[i] for i in chosen))

    @on(Input.Submitted, "#answer-input")
    def typed(self, event: Input.Submitted) -> None:
        if self.grade is not None or self.entry is None:
            return
        from kb.quiz.grading import InvalidResponse, parse_response

        try:
            value = parse_response(self.asked.item, event.value)
        except InvalidResponse as exc:
            self.query_one("#input-hint", Static).update(Text(exc.message(self.lang), style="bold"))
            return
        self.answer(value, event.value)

    def action_dont_know(self) -> None:
        if self.entry is not None and self.grade is None and not self.finished:
            from kb.quiz.grading import Grade, expected_text

            self.set_grade(Grade(False, expected_text(self.asked.item, self.lang), None), None)

    def answer(self, response: Any, text: str) -> None:
        from kb.quiz.grading import grade

        self.set_grade(grade(self.asked.item, response, self.lang), text)

    def set_grade(self, result, text: str | None) -> None:
        self.grade = result
        self.answer_text = text
        self.duration_ms = int((time.monotonic() - self.started) * 1000)
        # pending in the session until rated: leaving keeps it (the session's one rule)
        self.rating = self.live.answered(self.asked, result, text, self.duration_ms)
        self.render_question()
        self.query_one("#next-button", Button).focus()
        self.refresh_bindings()

    # -- feedback and rating ------------------------------------------------------------

    def render_feedback(self) -> None:
        t, lang = self.t, self.lang
        feedback = self.query_one("#feedback", Static)
        ratings = self.query_one("#ratings")
        answered = self.grade is not None
        feedback.display = ratings.display = answered
        if not answered:
            return
        from kb.quiz.grading import expected_text
        from kb.progress.scheduling import RATING_LABELS

        assert self.grade is not None  # feedback follows a grade
        ok = self.grade.correct
        out = Text()
        if ok:
            out.append(t("✓ Right.", "✓ 正确。"), style="bold green")
        else:
            out.append(t("✗ Not quite. ", "✗ 不对。"), style="bold red")
            out.append(t(f"Answer: {expected_text(self.asked.item, lang)}", f"正确答案：{expected_text(self.asked.item, lang)}"))
        explanation = pick(self.asked.item.explanation, lang)
        if explanation:
            out.append("\n" + explanation)
        out.append("\n\n")
        out.append(t("How well did you know it? 1-4 changes the rating; Enter records it and goes on.",
                     "掌握得怎么样？按 1-4 修改评分，回车记录并继续。"), style="dim")
        feedback.update(out)
        feedback.set_class(ok, "correct")
        feedback.set_class(not ok, "wrong")
        labels = RATING_LABELS[lang]
        for r in (1, 2, 3, 4):
            button = self.query_one(f"#rate-{r}", Button)
            button.label = f"{r} {labels[r]}"
            button.variant = "primary" if r == self.rating else "default"
        self.query_one("#next-button", Button).label = t("Next →", "下一题 →") if not self.saving else "…"

    def action_rate(self, rating: int) -> None:
        if self.grade is not None and not self.saving:
            self.rating = rating
            self.live.propose(rating)
            self.render_feedback()

    @on(Button.Pressed)
    def button_pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id or ""
        if bid.startswith("rate-"):
            self.action_rate(int(bid[5:]))
        elif bid == "next-button":
            self.action_next()
        elif bid == "summary-done":
            self.app.pop_screen()
        elif bid == "undo-button":
            self.action_undo()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "undo":
            # shown only when there is a rating to take back, and not while the answer box
            # has focus (there u is a letter; ctrl+z and the button still work)
            return self.can_undo() and not isinstance(self.focused, Input)
        if action == "undo_typing":
            return self.can_undo()
        if action == "next":
            return self.grade is not None and not self.saving
        if action == "rate":
            return self.grade is not None
        if action == "dont_know":
            return self.entry is not None and self.grade is None and not self.finished
        return True

    def action_next(self) -> None:
        if self.grade is None or self.saving:
            return
        self.saving = True
        self.render_feedback()
        self.save(self.entry, self.rating, self.grade, self.answer_text, self.duration_ms)

    # -- undo -----------------------------------------------------------------------------

    def can_undo(self) -> bool:
        return self.session is not None and not self.saving and self.live.can_undo()

    def action_undo(self) -> None:
        """Take back the session's last rating (Anki's u). An answer shown but not yet
        rated is dropped (it was never stored); its item is asked after the undone one."""
        if not self.can_undo():
            return
        self.saving = True
        self.refresh_bindings()
        self.undo()

    def action_undo_typing(self) -> None:
        self.action_undo()

    @work(thread=True, exclusive=True, group="quiz-save", exit_on_error=False)
    def undo(self) -> None:
        from kb.progress import ProgressStoreError

        try:
            entry = self.live.undo()
        except ProgressStoreError as exc:
            self.post_message(self.Undone(None, exc.message(self.app.lang)))
            return
        self.post_message(self.Undone(entry))

    def on_quiz_screen_undone(self, message: Undone) -> None:
        self.saving = False
        if message.error:
            self.notify(message.error, title=self.t("Not undone", "未撤销"), severity="error")
            self.render_undo()
            self.refresh_bindings()
            return
        self.notify(self.t("Rating taken back: answer it again.", "已撤销评分：请重新作答。"), timeout=3)
        if self.finished:  # undo from the summary: back to the questions
            self.finished = False
            self.query_one("#summary", Static).display = False
        self.show_next()

    def render_undo(self) -> None:
        button = self.query_one("#undo-button", Button)
        button.label = self.t("↶ Undo last rating (u)", "↶ 撤销上一次评分（u）")
        button.display = self.can_undo()

    @work(thread=True, exclusive=True, group="quiz-save", exit_on_error=False)
    def save(self, entry, rating, grade, text, duration_ms) -> None:
        try:
            outcome = self.live.rate(entry, rating, grade=grade, answer=text or None, duration_ms=duration_ms)
        except Exception as exc:
            self.post_message(self.Rated(None, explain(exc, self.app.lang)))
            return
        self.post_message(self.Rated(outcome))

    def on_quiz_screen_rated(self, message: Rated) -> None:
        self.saving = False
        if message.error:
            self.notify(message.error, title=self.t("Not saved", "未保存"), severity="error")
            self.render_feedback()
            self.render_undo()
            self.refresh_bindings()
            return
        if self.finished:
            return
        self.show_next()

    def action_leave(self) -> None:
        """End the session; an answer given but not yet rated is kept with the
        proposed rating (as ``kb quiz`` does)."""
        if self.finished or self.session is None:
            self.app.pop_screen()
            return
        if self.live.pending is not None and not self.saving:
            self.saving = True
            self.save_and_finish()
            return
        self.finish()

    @work(thread=True, exclusive=True, group="quiz-save", exit_on_error=False)
    def save_and_finish(self) -> None:
        try:
            self.live.end()
        except Exception as exc:
            self.app.call_from_thread(self.notify, explain(exc, self.app.lang), severity="error")
        self.app.call_from_thread(self.finish)

    # -- summary ------------------------------------------------------------------------

    def finish(self) -> None:
        self.finished = True
        self.saving = False
        self.entry = self.grade = None
        for wid in ("#choices", "#multi", "#answer-input", "#input-hint", "#feedback", "#ratings"):
            self.query_one(wid).display = False
        self.render_summary()
        self.refresh_bindings()

    def render_summary(self) -> None:
        t, lang = self.t, self.lang
        question = self.query_one("#question", Static)
        summary = self.query_one("#summary", Static)
        self.query_one("#quiz-progress", Static).update("")
        self.render_undo()
        summary.display = True
        from kb.i18n import when

        if self.error == "no-items":
            question.update(t("No quiz questions here yet.", "这里还没有测验题。"))
            summary.update(Text(t("Press esc to go back.", "按 esc 返回。"), style="dim"))
            return
        if self.error:
            question.update(t("The quiz cannot start.", "测验无法开始。"))
            summary.update(Text(self.error))
            return
        session = self.session
        s = session.summary() if session is not None else None
        now = session.now() if session is not None else None
        if s is None or now is None or s.answered == 0:  # (now is None exactly when s is)
            question.update(t("Nothing to review now.", "现在没有需要复习的题目。"))
            nxt = self.next_due or (s.next_due if s else None)
            lines = []
            if nxt is not None and now is not None:
                lines.append(t(f"Next review {when(nxt, now, lang)}.", f"下次复习：{when(nxt, now, lang)}。"))
            lines.append(t("Press esc to go back.", "按 esc 返回。"))
            summary.update(Text("\n".join(lines)))
            return
        question.update(t("Session complete", "本次练习完成"))
        out = Text()
        for n, line in enumerate(s.lines(lang, now)):
            out.append(line + "\n", style="dim" if n == 1 and s.ratings else "")  # line 1: the ratings
        out.append(t("Press esc to go back.", "按 esc 返回。"), style="dim")
        summary.update(out)

    def on_lang(self, lang: str) -> None:
        self.sub_title = self.t("Quiz", "测验")
        if self.finished:
            self.render_summary()
        elif self.entry is not None:
            self.render_question()
        elif self.session is None and self.error is None:
            self.query_one("#question", Static).update(self.t("Preparing your session…", "正在准备…"))
