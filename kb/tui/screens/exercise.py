"""The exercise workspace: instructions beside an editor holding the learner's file
(the same file ``kb exercise`` uses), checks run by the engine's warm worker in a thread,
per-check results with their diagnostics, hints tier by tier, and the solution once it
is unlocked. Everything it decides comes from ``kb.exercises``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import AwaitMount
from textual.widgets import Header, LoadingIndicator, Markdown, Static, TextArea

from kb.errors import explain
from kb.i18n import pick
from kb.tui.screens.base import KbScreen
from kb.tui.widgets.keybar import KeyBar
from kb.tui.widgets.prose import Prose, ProseMarkdown  # Chinese wraps by kinsoku rules

if TYPE_CHECKING:
    from kb.app.workspace import Workspace

POLL_S = 1.0


@dataclass
class Opened:
    """What the open worker hands the screen: the workspace's own account of the opened
    exercise (kb.app.workspace.Opened) and the file's stamp, or why it could not open."""

    shown: Any = None
    stamp: tuple | None = None
    error: str | None = None


def file_stamp(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def python_editor() -> TextArea:
    """The workspace's editor: Python highlighting where tree-sitter has the grammar, plain
    text where it does not (Textual raises LanguageDoesNotExist then)."""
    from textual.widgets.text_area import LanguageDoesNotExist

    try:
        return TextArea.code_editor("", language="python", id="editor", theme="css")
    except LanguageDoesNotExist:
        return TextArea.code_editor("", language=None, id="editor", theme="css")


class Block(Static):
    """A part of the instructions pane that scrolls itself into view when asked, once the
    layout has given it its size (a hint just mounted, the solution just shown)."""

    reveal_when_sized = False

    def reveal(self) -> None:
        if self.size.height and self.display:
            self.scroll_visible(top=True, animate=False)
        else:
            self.reveal_when_sized = True

    def on_resize(self) -> None:
        if self.reveal_when_sized:
            self.reveal_when_sized = False
            self.scroll_visible(top=True, animate=False)


class ExerciseScreen(KbScreen):
    AUTO_FOCUS = "#editor"  # typing starts in the editor, never in a pane whose keys are shortcuts
    BINDINGS = [
        Binding("ctrl+r", "check", "Check", id="kb.check", priority=True),
        Binding("ctrl+s", "save", "Save", id="kb.save", priority=True),
        Binding("ctrl+g", "hint", "Hint", id="kb.hint", priority=True),
        Binding("ctrl+o", "solution", "Solution", id="kb.solution", priority=True),
        Binding("f5", "reload", "Reload file", id="kb.reload", show=False),
        # The editor takes f5-f7 and tab (it indents); ctrl+j is free there, so it works from
        # anywhere. One key, two labels: the footer names where it goes from here.
        Binding("ctrl+j", "switch_focus('results')", "Results", id="kb.focus-results", priority=True),
        Binding("ctrl+j", "switch_focus('editor')", "Editor", id="kb.focus-editor", priority=True),
        Binding("escape", "leave", "Back", id="kb.back"),
        Binding("f4", "open_editor", "$EDITOR", id="kb.open-editor"),  # after Back: at 80 columns Back stays whole
        Binding("ctrl+n", "next_exercise", "Next exercise", id="kb.next-exercise", priority=True),
    ]

    class FileOpened(Message):
        def __init__(self, opened: Opened) -> None:
            super().__init__()
            self.opened = opened

    class Checked(Message):
        def __init__(self, report, error: str | None = None, saved_error: str | None = None,
                     following=None) -> None:
            super().__init__()
            self.report, self.error, self.saved_error = report, error, saved_error
            self.following = following  # kb.exercises.Next after a pass, or None

    class Unlocked(Message):
        def __init__(self, hints: int | None = None, solution: bool | None = None, note: str | None = None,
                     confirm: bool = False) -> None:
            super().__init__()
            self.hints, self.solution, self.note, self.confirm = hints, solution, note, confirm

    def __init__(self, exercise_id: str) -> None:
        super().__init__()
        self.following = None  # the exercise to offer after a pass
        self.exercise_id = exercise_id
        self.exercise = None
        self.workspace: Workspace | None = None  # the use cases, once the exercise is open
        self.path: Path | None = None
        self.saved_text = ""
        self.stamp: tuple | None = None
        self.hints = 0
        self.solution = False
        self.report = None
        self.checking = False
        self.conflict = False  # the file changed on disk while the editor had unsaved edits
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="workspace"):
            with VerticalScroll(id="instructions-pane", classes="panel"):
                yield ProseMarkdown(id="instructions", open_links=False)
                yield Vertical(id="hints")
                yield Static(id="hints-more")
                yield Block(id="solution")
            with Vertical(id="editor-pane"):
                yield python_editor()
                yield Static(id="file-status")
        with VerticalScroll(id="results-pane", classes="panel"):
            yield Prose(id="check-status")
            yield LoadingIndicator(id="checking")
            yield Prose(id="check-results")
        yield KeyBar(show_command_palette=False)  # its keys need the room at 80 columns (ctrl+p still opens it)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#checking").display = False
        self.query_one("#solution").display = False
        self.query_one("#editor", TextArea).read_only = True
        self.set_interval(POLL_S, self.poll_file)

    def on_services(self, services) -> None:
        if self.exercise is None:
            self.open(services)

    # -- opening ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="exercise-open", exit_on_error=False)
    def open(self, services) -> None:
        from kb import exercises
        from kb.app.workspace import Workspace

        opened = Opened()
        try:
            entry = services.catalog.get(self.exercise_id)
            if entry is None or entry.kind != "exercise":
                raise exercises.ExerciseError(f"no exercise '{self.exercise_id}' in the loaded content",
                                              f"已加载的内容中没有练习“{self.exercise_id}”")
            self.workspace = Workspace(entry, services.store, store_error=services.store_error,
                                       catalog=services.catalog)
            opened.shown = self.workspace.open()  # never overwrites the learner's file
            opened.stamp = file_stamp(opened.shown.path)
            worker = self.app.engine_worker()
            if worker is not None:
                self.warm(entry, worker)
        except exercises.ExerciseError as exc:
            opened.error = exc.message(self.app.lang)
        except Exception as exc:
            opened.error = explain(exc, self.app.lang)
        self.post_message(self.FileOpened(opened))

    def warm(self, entry, worker) -> None:
        """Compute the reference results now, so the first check costs the learner's code only."""
        try:
            import engine

            engine.prepare(entry, worker)
        except Exception:
            pass  # the check will say what is wrong

    def on_exercise_screen_file_opened(self, message: FileOpened) -> None:
        o = message.opened
        if o.error:
            self.error = o.error
            self.render_all()
            return
        shown = o.shown
        self.exercise, self.path, self.stamp = shown.exercise, shown.path, o.stamp
        self.hints, self.solution, self.report = shown.hints, shown.solution, shown.report
        self.load_text(shown.text)
        editor = self.query_one("#editor", TextArea)
        editor.read_only = False
        editor.focus()
        self.render_all()
        self.refresh_bindings()  # check, save, hint and solution act from now on

    def load_text(self, text: str) -> None:
        editor = self.query_one("#editor", TextArea)
        cursor = editor.cursor_location
        editor.load_text(text)
        self.saved_text = text
        try:
            editor.cursor_location = cursor
        except Exception:
            pass

    # -- the file -----------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.exercise is not None and self.query_one("#editor", TextArea).text != self.saved_text

    def write_file(self) -> str | None:
        """Save the editor to the learner's file (atomically); an error message or None."""
        if self.path is None:
            return None
        text = self.query_one("#editor", TextArea).text
        try:
            tmp = self.path.with_name(f".{self.path.name}.kb-tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            return explain(exc, self.app.lang)
        self.saved_text = text
        self.stamp = file_stamp(self.path)
        self.conflict = False
        self.render_file_status()
        return None

    def action_save(self) -> None:
        error = self.write_file()
        if error:
            self.notify(error, title=self.t("Not saved", "未保存"), severity="error")
        else:
            self.notify(self.t("Saved.", "已保存。"), timeout=1.5)

    def poll_file(self) -> None:
        """Pick up edits made to the file outside kb (another editor, ``kb exercise reset``)."""
        if self.path is None or self.checking:
            return
        stamp = file_stamp(self.path)
        if stamp is None or stamp == self.stamp:
            return
        self.stamp = stamp
        if self.dirty:
            self.conflict = True
            self.render_file_status()
            return
        self.action_reload()

    def action_reload(self) -> None:
        if self.path is None:
            return
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeError) as exc:
            self.notify(explain(exc, self.app.lang), title=self.t("Not reloaded", "未重新载入"), severity="error")
            return
        if text != self.saved_text or self.dirty:
            self.load_text(text)
            self.notify(self.t("Reloaded: the file changed on disk.", "文件在磁盘上被修改，已重新载入。"), timeout=2)
        self.stamp = file_stamp(self.path)
        self.conflict = False
        self.render_file_status()

    def action_open_editor(self) -> None:
        """Save, hand the terminal to the learner's own editor ($VISUAL / $EDITOR), and
        load what it saved when it exits."""
        from textual.app import SuspendNotSupported

        from kb.app.editor import EditorError, editor_command, run_editor

        if self.path is None:
            return
        if editor_command() is None:  # say so without flashing the terminal
            self.notify(self.t(f"No editor is set: set VISUAL or EDITOR (e.g. export EDITOR=nano), "
                               f"or edit {self.path} in another window; kb reloads it when it changes.",
                               f"没有设置编辑器：请设置 VISUAL 或 EDITOR（例如 export EDITOR=nano），"
                               f"或在另一个窗口中编辑 {self.path}；文件改动后 kb 会重新载入。"),
                        title=self.t("No editor", "没有编辑器"), severity="warning", timeout=8)
            return
        error = self.write_file()
        if error:
            self.notify(error, title=self.t("Not saved", "未保存"), severity="error")
            return
        try:
            with self.app.suspend():
                run_editor(self.path)
        except SuspendNotSupported:  # e.g. in a browser (kb serve): there is no terminal to hand over
            self.notify(self.t(f"This session cannot hand its terminal to an editor: edit {self.path} "
                               "in another window; kb reloads it when it changes.",
                               f"当前会话无法把终端交给编辑器：请在另一个窗口中编辑 {self.path}；文件改动后 kb 会重新载入。"),
                        title=self.t("Editor not opened", "未打开编辑器"), severity="warning", timeout=8)
            return
        except EditorError as exc:  # the file may still have been saved: reload below
            self.notify(exc.message(self.app.lang), title=self.t("Editor", "编辑器"), severity="error", timeout=8)
        self.action_reload()

    @on(TextArea.Changed, "#editor")
    def edited(self) -> None:
        self.render_file_status()

    # -- checking ------------------------------------------------------------------------

    def action_check(self) -> None:
        if self.exercise is None or self.checking:
            return
        error = self.write_file()  # the engine checks the file, as the CLI does
        if error:
            self.notify(error, title=self.t("Not saved", "未保存"), severity="error")
            return
        if self.workspace is None:
            return
        self.checking = True
        self.render_results()
        self.run_check(self.workspace, self.path)

    @work(thread=True, exclusive=True, group="exercise-check", exit_on_error=False)
    def run_check(self, workspace: Workspace, path: Path) -> None:
        from kb import exercises

        try:
            checked = workspace.check(path, worker=self.app.engine_worker())
        except exercises.ExerciseError as exc:
            self.post_message(self.Checked(None, exc.message(self.app.lang)))
            return
        except Exception as exc:  # the engine failing is not the learner's fault: say so
            self.post_message(self.Checked(None, explain(exc, self.app.lang)))
            return
        self.post_message(self.Checked(checked.report, None, checked.saved_error, checked.following))

    def on_exercise_screen_checked(self, message: Checked) -> None:
        self.checking = False
        if message.error:
            self.notify(message.error, title=self.t("Check failed to run", "检查未能运行"), severity="error")
        else:
            self.report = message.report
        if message.saved_error:
            self.notify(message.saved_error, title=self.t("Progress not saved", "进度未保存"), severity="warning")
        self.following = message.following
        if self.following is not None:
            nxt = self.following.exercise
            why = (self.t(f"next in the path “{self.following.path_title.get('en')}”",
                          f"学习路径“{self.following.path_title.get('zh')}”中的下一个练习")
                   if self.following.path_title else self.t("next in the course", "课程中的下一个练习"))
            self.notify(self.t(f"Next: {nxt.title.en or nxt.title.zh} ({why}). Press ctrl+n to open it.",
                               f"下一个：{nxt.title.zh or nxt.title.en}（{why}）。按 ctrl+n 打开。"),
                        title=self.t("Passed", "通过"), timeout=12)
        self.refresh_bindings()
        self.render_results()

    def action_next_exercise(self) -> None:
        if self.following is not None:
            self.app.open_workspace(self.following.exercise.id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_exercise":
            return self.following is not None  # the footer shows it only after a pass
        if action == "switch_focus":
            return parameters[0] == self.focus_target()
        if action in ("check", "save", "hint", "solution", "reload", "open_editor"):
            if self.exercise is None:
                return False  # nothing opened (yet): these keys would do nothing
        return super().check_action(action, parameters)

    # -- hints and the solution ---------------------------------------------------------------

    def action_hint(self) -> None:
        if self.workspace is not None:
            self.unlock_hint(self.workspace)

    @work(thread=True, group="exercise-unlock", exit_on_error=False)
    def unlock_hint(self, workspace: Workspace) -> None:
        hints = workspace.unlock_hint(shown_without_store=self.hints)
        self.post_message(self.Unlocked(hints=hints.shown, note=None if hints.new else "last-hint"))

    def action_solution(self) -> None:
        if self.exercise is None:
            return
        if self.solution:
            self.query_one("#solution", Block).reveal()
            return
        if self.workspace is not None:
            self.ask_solution(self.workspace, confirmed=False)

    @work(thread=True, group="exercise-unlock", exit_on_error=False)
    def ask_solution(self, workspace: Workspace, confirmed: bool) -> None:
        gate = workspace.ask_solution(confirmed=confirmed)
        if gate.decision == "no-store":
            self.post_message(self.Unlocked(note=gate.why or self.t("Progress cannot be saved, so the solution "
                                                                    "stays locked.", "进度无法保存，答案保持锁定。")))
        elif gate.decision == "shown":
            self.post_message(self.Unlocked(solution=True))
        elif gate.decision == "confirm":
            self.post_message(self.Unlocked(confirm=True))
        else:
            self.post_message(self.Unlocked(note=gate.locked_message(
                self.app.lang, ("Try a hint first: ctrl+g.", "先按 ctrl+g 看看提示。"))))

    async def on_exercise_screen_unlocked(self, message: Unlocked) -> None:
        if message.confirm:
            from kb.tui.widgets.confirm import Confirm

            def answered(yes: bool | None) -> None:
                if yes and self.workspace is not None:
                    self.ask_solution(self.workspace, confirmed=True)

            self.app.push_screen(Confirm(
                self.t("You have not passed yet. Show the reference solution anyway?",
                       "你还没有通过。仍然要查看参考答案吗？"),
                self.t("Show it (y)", "查看（y）"), self.t("Not yet (n)", "先不看（n）")), answered)
            return
        if message.hints is not None:
            self.hints = message.hints
            if message.note == "last-hint":
                self.notify(self.t("That was the last hint. After 3 failed checks, ctrl+o can show the reference.",
                                   "这已经是最后一条提示。检查失败 3 次后，按 ctrl+o 可以查看参考答案。"))
            mounting = self.render_instructions()
            if mounting is not None:
                await mounting
            shown = self.query("#hints .hint").results(Block)
            for newest in list(shown)[-1:]:
                newest.reveal()  # the hint just unlocked
        if message.solution:
            solution = self.query_one("#solution", Block)
            solution.reveal()  # before it is drawn, so that it scrolls once it has its size
            self.solution = True
            self.render_instructions()
        elif message.note and message.note != "last-hint":
            self.notify(message.note, timeout=6)

    # -- drawing --------------------------------------------------------------------------------

    def on_lang(self, lang: str) -> None:
        self.render_all()

    def render_all(self) -> None:
        self.query_one("#instructions-pane").border_title = self.t("Instructions", "说明")
        self.render_instructions()
        self.render_file_status()
        self.render_results()

    def render_instructions(self) -> AwaitMount | None:
        """Draw the instructions, hints and solution; returns the mounting of new hints, if any."""
        t, lang = self.t, self.lang
        md = self.query_one("#instructions", Markdown)
        if self.error:
            self.sub_title = self.exercise_id
            md.update(f"# {t('Cannot open this exercise', '无法打开这个练习')}\n\n{self.error}")
            return None
        ex = self.exercise
        if ex is None:
            md.update(t("Loading…", "加载中…"))
            return None
        from kb import exercises

        self.sub_title = f"{t('Exercise', '练习')} · {pick(ex.title, lang)}"
        parts = [pick(ex.body, lang) if ex.body else pick(ex.summary, lang), "",
                 f"## {t('Implement', '需要实现')}", ""]
        parts += [f"- `{f.signature}`" for f in ex.functions]
        md.update("\n".join(parts))
        total = len(ex.hints)
        texts = []
        for i, hint in enumerate(ex.hints[: self.hints]):
            en, zh = exercises.HINT_TIERS[i] if i < len(exercises.HINT_TIERS) else ("hint", "提示")
            text = Text(t(f"Hint {i + 1}/{total} ({en})\n", f"提示 {i + 1}/{total}（{zh}）\n"), style="bold")
            text.append(pick(hint, lang), style="")
            texts.append(text)
        box = self.query_one("#hints", Vertical)
        shown = list(box.query(".hint").results(Static))
        for widget, text in zip(shown, texts):
            widget.update(text)
        mounting = None
        if len(texts) > len(shown):  # one widget per hint, so that the newest can be scrolled to
            mounting = box.mount_all(Block(text, classes="hint") for text in texts[len(shown):])
        more = self.query_one("#hints-more", Static)
        more.update(Text(t(f"ctrl+g: hint {self.hints + 1} of {total}", f"ctrl+g：第 {self.hints + 1}/{total} 条提示"),
                         style="dim") if self.hints < total else "")
        more.display = self.hints < total
        solution = self.query_one("#solution", Block)
        solution.display = self.solution
        if self.solution:
            from rich.console import Group
            from rich.syntax import Syntax

            # Wrapped, not cut: the pane is narrow and solutions have long lines.
            code = Syntax(ex.solution.rstrip(), "python", word_wrap=True, line_numbers=True,
                          theme="ansi_dark" if self.app.current_theme.dark else "ansi_light",
                          background_color="default")
            solution.update(Group(Text(t("Reference solution", "参考答案"), style="bold"), Text(), code))
        return mounting

    def render_file_status(self) -> None:
        status = self.query_one("#file-status", Static)
        if self.path is None:
            status.update("")
            return
        home = str(Path.home())
        shown = str(self.path)
        if shown.startswith(home + os.sep):
            shown = "~" + shown[len(home):]
        text = Text()
        if self.conflict:
            text.append(self.t("⚠ changed on disk: f5 loads it (drops your edits here), ctrl+s keeps yours  ",
                               "⚠ 文件已在磁盘上被修改：f5 载入（丢弃这里的修改），ctrl+s 保留你的版本  "),
                        style="bold yellow")
        elif self.dirty:
            text.append(self.t("● unsaved (ctrl+s; ctrl+r saves and checks)  ", "● 未保存（ctrl+s；ctrl+r 保存并检查）  "),
                        style="yellow")
        text.append(shown, style="dim")
        status.update(text)

    def render_results(self) -> None:
        from kb.tui.widgets import report as rep

        t, lang = self.t, self.lang
        pane = self.query_one("#results-pane")
        pane.border_title = t("Checks", "检查结果")
        status = self.query_one("#check-status", Static)
        results = self.query_one("#check-results", Static)
        self.query_one("#checking").display = self.checking
        pane.set_class(self.report is None and not self.checking, "collapsed")  # room for the editor until a check
        status.set_classes("")
        if self.checking:
            status.update(t("Checking… your code runs in a separate, limited process.",
                            "检查中……你的代码在独立的受限进程中运行。"))
            return
        report = self.report
        if report is None:
            status.update(Text(t("Not checked yet — ctrl+r saves your file and checks it.",
                                 "还没有检查 —— 按 ctrl+r 保存文件并检查。"), style="dim"))
            results.update("")
            self.set_loss_plot(None)
            return
        status.update(rep.headline(report, lang))
        status.set_class(report.status == "pass", "pass")
        status.set_class(report.status != "pass", "fail")
        body = Text()
        previous = None
        for check in report.checks:
            message = check.message.get(lang)
            same = check.status != "pass" and message == previous
            body.append_text(rep.check_text(check, lang, same_as_above=same))
            body.append("\n")
            if check.status != "pass":
                previous = message
        output = rep.output_text(report, lang)
        if output.plain:
            body.append("\n")
            body.append_text(output)
            body.append("\n")
        history = rep.loss_history(report)
        if history is None and any(c.kind == "training" for c in report.checks):
            body.append(t("\nNo loss curve: this engine's report does not include the loss history.\n",
                          "\n没有损失曲线：当前引擎的报告中没有包含损失历史。\n"), style="dim")
        body.append("\n")
        body.append_text(rep.next_step_text(report, self.exercise_id, lang))
        results.update(body)
        self.set_loss_plot(history)

    def set_loss_plot(self, history: list[float] | None) -> None:
        existing = self.query("#loss-plot")
        if not history:
            existing.remove()
            return
        from kb.tui.widgets.plots import LossPlot

        if existing:
            existing.first(LossPlot).update_history(history, self.lang)
        else:
            self.query_one("#results-pane").mount(LossPlot(history, self.lang, id="loss-plot"))

    # -- focus and leaving ------------------------------------------------------------------------

    def focus_target(self) -> str:
        """Where ctrl+j goes from here: the Checks pane from the editor, else the editor."""
        return "results" if self.query_one("#editor", TextArea).has_focus else "editor"

    def action_switch_focus(self, target: str = "") -> None:
        if (target or self.focus_target()) == "results":
            self.query_one("#results-pane").focus()
        else:
            self.query_one("#editor", TextArea).focus()

    def action_leave(self) -> None:
        editor = self.query_one("#editor", TextArea)
        if editor.has_focus:
            self.query_one("#instructions-pane").focus()  # first escape leaves the editor
            return
        if self.dirty:
            error = self.write_file()  # leaving never loses the learner's edits
            if error:
                self.notify(error, title=self.t("Not saved", "未保存"), severity="error")
                return
        self.app.pop_screen()
