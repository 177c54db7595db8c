"""What kb does through Textual's public API now rather than its private one: the footer
describes kb's keys in the chosen language through ``Screen.active_bindings``
(kb.tui.strings.localize_active), on the screen where the language changed and on a screen
below it once it is shown again; the workspace's editor falls back to plain text where
tree-sitter has no Python grammar (``LanguageDoesNotExist``, not ``textual._tree_sitter``)."""

from __future__ import annotations

import subprocess
import sys

from .conftest import async_test, make_app, settle, until


def footer_keys(app) -> dict[str, str]:
    return {key.key: key.description for key in app.screen.query("FooterKey")}


@async_test
async def test_the_footer_follows_the_language_on_every_screen_of_the_stack():
    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.services is not None)
        await settle(pilot)
        assert footer_keys(app)["ctrl+l"] == "中文"
        await pilot.press("b")
        await until(pilot, lambda: type(app.screen).__name__ == "BrowseScreen")
        await settle(pilot)
        assert footer_keys(app)["escape"] == "Back"
        target = next(k for k in app.screen.query("FooterKey") if k.key == "ctrl+l")
        await pilot.click(target)
        await until(pilot, lambda: footer_keys(app).get("escape") == "返回")
        assert app.lang == "zh" and footer_keys(app)["ctrl+l"] == "English"
        await pilot.press("escape")  # back to Home, which was below when the language changed
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        await settle(pilot)
        keys = footer_keys(app)
        assert keys["ctrl+l"] == "English" and "中文" not in keys.values()
        await pilot.press("ctrl+l")
        await until(pilot, lambda: footer_keys(app).get("ctrl+l") == "中文")


@async_test
async def test_localizing_leaves_the_declared_bindings_as_they_were():
    """The descriptions are translated where they are drawn, not in the class's bindings,
    so two apps in one process (kb serve tabs, tests) never see each other's language."""
    from kb.tui.app import KbApp

    declared = {b.id: b.description for b in KbApp.BINDINGS if not isinstance(b, tuple)}
    app = make_app("zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.services is not None)
        await settle(pilot)
        assert footer_keys(app)["ctrl+l"] == "English"
        active = {a.binding.id: a.binding.description for a in app.screen.active_bindings.values()}
        assert active["kb.lang"] == "English"
    assert {b.id: b.description for b in KbApp.BINDINGS if not isinstance(b, tuple)} == declared
    other = make_app("en")
    async with other.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: other.services is not None)
        await settle(pilot)
        assert footer_keys(other)["ctrl+l"] == "中文"


EDITOR_LANGUAGE = """
import asyncio, sys
if sys.argv[1] == "missing":
    sys.modules["tree_sitter_python"] = None  # the grammar is not installed: importing it fails
from textual.app import App
from kb.tui.screens.exercise import python_editor

class Host(App):
    def compose(self):
        yield python_editor()

async def main():
    app = Host()
    async with app.run_test() as pilot:
        editor = app.query_one("#editor")
        await pilot.click(editor)
        await pilot.press("x", "enter")
        print(editor.language, type(editor.document).__name__, repr(editor.text))

asyncio.run(main())
"""


def editor_with(grammar: str) -> str:
    out = subprocess.run([sys.executable, "-c", EDITOR_LANGUAGE, grammar], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_the_editor_highlights_python_when_the_grammar_is_there():
    assert editor_with("installed") == "python SyntaxAwareDocument 'x\\n'"


def test_the_editor_is_plain_text_without_the_grammar_and_still_edits():
    assert editor_with("missing") == "None Document 'x\\n'"
