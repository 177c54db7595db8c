"""The workspace's "open in $EDITOR" (f4), and its errors as sentences (issue 10).

The Pilot's headless driver cannot hand a terminal to another program (``App.suspend()``
raises SuspendNotSupported there, as it does in a browser), so the test that runs the
editor stands in for a suspendable terminal by replacing ``app.suspend`` with a context
that does nothing; everything around it (the save before, the editor process, the reload
after) is the real code. The other tests use the real ``suspend``."""

from __future__ import annotations

import contextlib
import sys
import textwrap

from textual.widgets import TextArea

from .conftest import async_test, make_app, screen_text, until

TYPED = "# typed in kb before opening the editor\n"
FROM_EDITOR = "# written by the learner's own editor\n"


def editor_script(tmp_path, body: str) -> str:
    """An executable that edits the file it is given (as vim or nano would)."""
    script = tmp_path / "fake-editor"
    script.write_text(f"#!{sys.executable}\nimport sys\npath = sys.argv[-1]\n" + textwrap.dedent(body))
    script.chmod(0o755)
    return str(script)


async def open_workspace(pilot, app):
    from kb.tui.screens.exercise import ExerciseScreen

    await until(pilot, lambda: app.services is not None)
    app.open_workspace("sigmoid-exercise")
    await until(pilot, lambda: isinstance(app.screen, ExerciseScreen) and app.screen.exercise is not None)
    return app.screen


def toasts(app) -> str:
    """The screen's words on one line: a toast wraps, and its lines start with a bar."""
    return " ".join(screen_text(app).replace("▌", " ").split())


def footer_key(app, key: str):
    return next(k for k in app.screen.query("FooterKey") if k.key == key)


@async_test
async def test_f4_saves_runs_the_editor_and_loads_what_it_saved(tmp_path, monkeypatch):
    seen = tmp_path / "seen-by-editor.py"
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, f"""
        text = open(path, encoding="utf-8").read()
        open({str(seen)!r}, "w", encoding="utf-8").write(text)
        open(path, "w", encoding="utf-8").write({FROM_EDITOR!r} + text)
    """))
    app = make_app("en")
    async with app.run_test(size=(110, 30), notifications=True) as pilot:
        suspended = []

        @contextlib.contextmanager
        def suspend():  # a terminal that can be handed over (the headless driver cannot)
            suspended.append(True)
            yield

        monkeypatch.setattr(app, "suspend", suspend)
        screen = await open_workspace(pilot, app)
        editor = screen.query_one("#editor", TextArea)
        editor.text = TYPED + editor.text
        await pilot.pause()
        assert "f4 $EDITOR" in screen_text(app)  # in the footer, with its key
        await pilot.click(footer_key(app, "f4"))  # the footer's key; f4 does the same below
        await until(pilot, lambda: editor.text.startswith(FROM_EDITOR))
        assert suspended == [True]
        assert seen.read_text(encoding="utf-8").startswith(TYPED)  # the buffer was saved before the editor ran
        assert editor.text == FROM_EDITOR + seen.read_text(encoding="utf-8")
        assert screen.path.read_text(encoding="utf-8") == editor.text and not screen.dirty
        await pilot.press("f4")
        await until(pilot, lambda: editor.text.startswith(FROM_EDITOR * 2))
        assert len(suspended) == 2


@async_test
async def test_a_failing_editor_is_a_sentence_and_the_file_is_reloaded(tmp_path, monkeypatch):
    monkeypatch.setenv("VISUAL", editor_script(tmp_path, f"""
        open(path, "a", encoding="utf-8").write({FROM_EDITOR!r})
        sys.exit(3)
    """))
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")  # VISUAL wins
    app = make_app("zh")
    async with app.run_test(size=(110, 30), notifications=True) as pilot:
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        screen = await open_workspace(pilot, app)
        editor = screen.query_one("#editor", TextArea)
        await pilot.press("f4")
        await until(pilot, lambda: editor.text.endswith(FROM_EDITOR))  # what it saved still counts
        await until(pilot, lambda: "以状态3退出" in "".join(toasts(app).split()))
        assert "EditorError" not in toasts(app)


@async_test
async def test_no_editor_set_says_what_to_do_and_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = make_app("en")
    async with app.run_test(size=(110, 30), notifications=True) as pilot:
        screen = await open_workspace(pilot, app)
        editor = screen.query_one("#editor", TextArea)
        before = screen.path.read_text(encoding="utf-8")
        editor.text = TYPED + editor.text
        await pilot.press("f4")
        await until(pilot, lambda: "No editor is set" in toasts(app))
        assert "EDITOR=nano" in toasts(app)
        assert screen.path.read_text(encoding="utf-8") == before and editor.text.startswith(TYPED)  # nothing lost


@async_test
async def test_where_the_terminal_cannot_be_handed_over_the_buffer_is_saved_and_kb_says_so(tmp_path, monkeypatch):
    ran = tmp_path / "ran"
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, f"open({str(ran)!r}, 'w').write('yes')\n"))
    app = make_app("en")
    async with app.run_test(size=(110, 30), notifications=True) as pilot:  # the real App.suspend
        screen = await open_workspace(pilot, app)
        editor = screen.query_one("#editor", TextArea)
        editor.text = TYPED + editor.text
        await pilot.press("f4")
        await until(pilot, lambda: "cannot hand its terminal to an editor" in toasts(app))
        assert not ran.exists()
        assert screen.path.read_text(encoding="utf-8").startswith(TYPED) and not screen.dirty


@async_test
async def test_a_learner_file_that_cannot_be_read_is_a_sentence_not_a_type_name(monkeypatch):
    app = make_app("en")
    async with app.run_test(size=(110, 30), notifications=True) as pilot:
        screen = await open_workspace(pilot, app)
        editor = screen.query_one("#editor", TextArea)
        text = editor.text
        screen.path.write_bytes(b"\xff\xfe not utf-8\n")
        await pilot.press("f5")
        await until(pilot, lambda: "not UTF-8 text" in toasts(app))
        shown = toasts(app)
        assert "UnicodeDecodeError" not in shown and "Not reloaded" in shown
        assert editor.text == text  # the editor keeps what it had
        # a file that cannot be written: the save says why, in a sentence, and keeps the buffer
        screen.path.unlink()
        screen.path.mkdir()
        editor.text = TYPED + text
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Not saved" in toasts(app))
        shown = toasts(app)
        assert "IsADirectoryError" not in shown and "Errno" not in shown and "try again" in shown
        assert editor.text == TYPED + text
