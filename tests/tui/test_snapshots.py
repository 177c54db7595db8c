"""Snapshots of the main screens in both languages at 80×24 and 120×40, on the fixed
content pack with a fixed clock (update with ``pytest --snapshot-update``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Input

from .conftest import BROKEN, NOW, make_app, settle, until

SIZES = [(80, 24), (120, 40)]
LANGS = ["en", "zh"]


async def ready(pilot) -> None:
    await until(pilot, lambda: pilot.app.services is not None)
    await settle(pilot)


async def quiet(pilot) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await settle(pilot)
    await pilot.pause(0.05)


def go(*steps):
    """A run_before that waits for the content, then does ``steps`` (keys or callables)."""

    async def run_before(pilot) -> None:
        await ready(pilot)
        for step in steps:
            if callable(step):
                result = step(pilot)
                if hasattr(result, "__await__"):
                    await result
            else:
                await pilot.press(step)
            await settle(pilot)
        await quiet(pilot)

    return run_before


async def open_sigmoid(pilot) -> None:
    pilot.app.open_entry("sigmoid")
    await until(pilot, lambda: getattr(pilot.app.screen, "data", None) is not None)


async def wait_quiz(pilot) -> None:
    await until(pilot, lambda: getattr(pilot.app.screen, "entry", None) is not None)


async def wait_search(pilot) -> None:
    await until(pilot, lambda: pilot.app.screen.searched)


async def seed_reviews(pilot) -> None:
    store = pilot.app.services.store
    for days_ago, item, rating in [(9, "sigmoid-at-zero", 3), (6, "relu-negative", 1), (6, "relu-negative", 3),
                                   (2, "sigmoid-at-zero", 3), (1, "relu-negative", 4)]:
        store.record_review(item, rating, now=NOW - timedelta(days=days_ago), correct=rating > 1, fuzz=False)


async def wait_figures(pilot) -> None:
    await until(pilot, lambda: getattr(pilot.app.screen, "figures", None) is not None)


def search_for(query: str):
    async def step(pilot) -> None:
        await pilot.press("slash", *query)
        await pilot.pause(0.3)
        await wait_search(pilot)

    return step


async def workspace_with_a_failed_check(pilot) -> None:
    from textual.widgets import TextArea

    app = pilot.app
    app.open_workspace("sigmoid-exercise")
    await until(pilot, lambda: getattr(app.screen, "exercise", None) is not None)
    screen = app.screen
    editor = screen.query_one("#editor", TextArea)
    editor.text = editor.text.replace("raise NotImplementedError", "return 1.0 / (1.0 + np.exp(-x)) + 0.01")
    await pilot.press("ctrl+r")
    await until(pilot, lambda: not screen.checking and screen.report is not None, timeout=60)
    screen.report.duration_s = 0.25  # the one figure that varies from run to run
    screen.render_results()
    screen.query_one("#results-pane").focus()  # no editor cursor (it blinks) in the picture


SCREENS = {
    "home": go(lambda p: until(p, lambda: p.app.screen.data is not None)),
    "browse": go("b"),
    "detail": go(open_sigmoid),
    "search": go(lambda p: search_for("activation" if p.app.lang == "en" else "激活")(p)),
    "quiz": go("r", wait_quiz, "b"),
    "progress": go(seed_reviews, "p", wait_figures),
    "workspace": go(workspace_with_a_failed_check),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare, screen, lang, size):
    if screen == "workspace":
        pytest.importorskip("tree_sitter_python", reason="Python highlighting needs tree-sitter (textual[syntax])")
    assert snap_compare(make_app(lang), terminal_size=size, run_before=SCREENS[screen])


@pytest.mark.parametrize("lang", LANGS)
def test_problems(snap_compare, lang):
    assert snap_compare(make_app(lang, roots=[BROKEN]), terminal_size=(80, 24), run_before=go("exclamation_mark"))
