"""Regression tests for issue 10's TUI defects #10-#15, #18 and #20: the Links pane after
the language toggle, Chinese notifications, the workspace's keyboard (ctrl+j, the editor
focused, no shortcuts while typing), hints and the solution scrolled into view and wrapped,
the keys panel, Home's glyph widths, and keys shown only where they act."""

from __future__ import annotations

import threading
import unicodedata

from rich.cells import cell_len
from textual.widgets import OptionList, TextArea

from .conftest import CONTENT, FIXTURES, async_test, make_app, screen_text, settle, until

LONG = FIXTURES / "long"  # one exercise whose solution has a line longer than any pane


def region_text(app, widget) -> list[str]:
    """The lines of the screen inside ``widget``'s region (cells, not characters)."""
    region = widget.region
    out = []
    for line in screen_text(app).splitlines()[region.y:region.bottom]:
        x, kept = 0, []
        for ch in line:
            if region.x <= x < region.right:
                kept.append(ch)
            x += cell_len(ch)
        out.append("".join(kept).rstrip())
    return out


def footer_keys(app) -> dict[str, str]:
    """key -> description of the keys the footer shows now."""
    return {key.key: key.description for key in app.screen.query("FooterKey")}


async def click_footer(pilot, key: str) -> None:
    target = next(k for k in pilot.app.screen.query("FooterKey") if k.key == key)
    await pilot.click(target)


async def open_from_browse(pilot, app, entry_id: str, kind_key: str = "b") -> None:
    """Browse (or Exercises), highlight ``entry_id`` and press Enter, as a learner does."""
    await until(pilot, lambda: app.services is not None)
    await pilot.press(kind_key)
    entries = app.screen.query_one("#entries", OptionList)
    await until(pilot, lambda: any(entries.get_option_at_index(i).id == entry_id
                                   for i in range(entries.option_count)))
    entries.focus()
    entries.highlighted = next(i for i in range(entries.option_count) if entries.get_option_at_index(i).id == entry_id)
    await pilot.press("enter")


# -- #10: the language toggle keeps the Links pane's titles whole ---------------------------------


async def links_after(lang: str, toggle: bool) -> list[str]:
    """The Links pane of the shipped "machine-learning" page at 80×24: its links overflow the
    pane in both languages (the list keeps a scrollbar), which is when the toggle clipped them."""
    from kb.tui.app import KbApp

    app = KbApp(lang=lang, remember=False)  # the shipped content: the fixture's links are too few
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.services is not None, timeout=60)
        app.open_entry("machine-learning")
        await until(pilot, lambda: getattr(app.screen, "data", None) is not None)
        await settle(pilot)
        if toggle:
            await click_footer(pilot, "ctrl+l")  # the footer's 中文 key, clicked
            await until(pilot, lambda: app.lang == "zh")
            await settle(pilot)
        return region_text(app, app.screen.query_one("#links"))


@async_test
async def test_the_language_toggle_draws_the_links_as_opening_the_page_in_that_language_does():
    toggled = await links_after("en", toggle=True)
    direct = await links_after("zh", toggle=False)
    assert "深度学习" in "".join(direct)
    assert toggled == direct


# -- #11: a Chinese notification keeps every character --------------------------------------------


@async_test
async def test_a_chinese_notification_keeps_every_character_at_80x24():
    app = make_app("zh")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await until(pilot, lambda: app.services is not None)
        app.open_entry("first-steps")
        await until(pilot, lambda: getattr(app.screen, "data", None) is not None)
        await settle(pilot)
        await click_footer(pilot, "f")  # 跟随路径
        await until(pilot, lambda: app.screen.query("Toast"))
        await settle(pilot)
        await pilot.pause(0.1)
        assert "首页现在跟随这条学习路径。" in screen_text(app)
        app.notify("下一个：实现 sigmoid（学习路径“入门第一步”中的下一个练习）。", title="通过")
        await until(pilot, lambda: len(app.screen.query("Toast")) == 2)
        await pilot.pause(0.1)
        text = screen_text(app).replace("\n", "")
        assert "通过" in text and "入门第一步" in text and "下一个：实现" in text


# -- #12 and #13: the workspace's keyboard ---------------------------------------------------------


@async_test
async def test_the_workspace_opens_in_the_editor_and_ctrl_j_reaches_the_checks_and_back():
    from kb.tui.screens.exercise import ExerciseScreen

    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_from_browse(pilot, app, "sigmoid-exercise", kind_key="x")
        await until(pilot, lambda: isinstance(app.screen, ExerciseScreen) and app.screen.exercise is not None)
        screen = app.screen
        editor = screen.query_one("#editor", TextArea)
        assert editor.has_focus
        await settle(pilot)
        assert footer_keys(app).get("ctrl+j") == "Results"  # the way out of the editor is shown
        await pilot.press("ctrl+j")
        assert screen.query_one("#results-pane").has_focus
        await settle(pilot)
        assert footer_keys(app).get("ctrl+j") == "Editor"
        await click_footer(pilot, "ctrl+j")
        assert editor.has_focus
        await pilot.press("tab")  # tab still indents in the editor
        assert editor.has_focus


@async_test
async def test_typing_while_the_workspace_opens_never_fires_a_shortcut(monkeypatch):
    """``/`` typed while the file is still loading (the editor read-only) used to open Search
    and swallow the rest of the line."""
    from kb import exercises
    from kb.tui.screens.exercise import ExerciseScreen

    release = threading.Event()
    start = exercises.start

    def slow_start(entry):
        release.wait(10)
        return start(entry)

    monkeypatch.setattr(exercises, "start", slow_start)
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_from_browse(pilot, app, "sigmoid-exercise", kind_key="x")
        assert isinstance(app.screen, ExerciseScreen)
        screen = app.screen
        await pilot.pause()
        assert screen.query_one("#editor", TextArea).has_focus
        assert "slash" not in footer_keys(app)
        await pilot.press("slash", "x", "w", "r")
        assert app.screen is screen  # no Search screen, no other shortcut
        release.set()
        await until(pilot, lambda: screen.exercise is not None)
        editor = screen.query_one("#editor", TextArea)
        editor.move_cursor(editor.document.end)
        await pilot.press("enter", "y", " ", "=", " ", "a", " ", "slash", " ", "b")
        assert app.screen is screen
        assert editor.text.rstrip().endswith("y = a / b")


@async_test
async def test_character_shortcuts_are_off_in_a_text_field_and_back_outside_it():
    from kb.tui.screens.search import SearchScreen

    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.services is not None)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("r", "slash", "b")  # typed into the search box, not Review / Search / Browse
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one("#search-input").value == "r/b"


# -- #14: hints and the solution come into view; the solution's code wraps ------------------------


@async_test
async def test_a_new_hint_and_the_solution_scroll_into_view_and_long_code_wraps():
    from kb.tui.screens.exercise import ExerciseScreen

    app = make_app("en", roots=[CONTENT, LONG])
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.services is not None)
        app.open_workspace("long-sigmoid")
        await until(pilot, lambda: isinstance(app.screen, ExerciseScreen) and app.screen.exercise is not None)
        screen = app.screen
        await click_footer(pilot, "ctrl+g")
        await until(pilot, lambda: screen.hints == 1)
        await settle(pilot)
        assert "Use np.exp." in screen_text(app)
        await pilot.press("ctrl+g")
        await until(pilot, lambda: screen.hints == 2)
        await settle(pilot)
        pane = "\n".join(region_text(app, screen.query_one("#instructions-pane")))
        assert "Hint 2/2" in pane and "1 / (1 + np.exp(-x))" in pane  # the whole hint, not just its title
    app = make_app("en", roots=[CONTENT, LONG])
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.services is not None)
        app.services.store.unlock_solution("long-sigmoid")
        app.open_workspace("long-sigmoid")
        await until(pilot, lambda: isinstance(app.screen, ExerciseScreen) and app.screen.exercise is not None)
        screen = app.screen
        await click_footer(pilot, "ctrl+o")
        await until(pilot, lambda: screen.solution)
        await settle(pilot)
        pane = "\n".join(region_text(app, screen.query_one("#instructions-pane")))
        assert "Reference solution" in pane
        assert "END-OF-LONG-LINE" in pane  # the end of the longest line, wrapped in view
        assert "np.where(x >= 0" in pane


# -- #15: the keys panel lists kb's keys first, in the chosen language ----------------------------


@async_test
async def test_the_keys_panel_shows_kbs_keys_first_in_chinese():
    from kb.tui.widgets.keys import KeysPanel

    app = make_app("zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.services is not None and app.screen.data is not None)
        await pilot.press("f1")
        await until(pilot, lambda: app.screen.query(KeysPanel))
        await settle(pilot)
        lines = [line.strip("▏ ") for line in region_text(app, app.screen.query_one(KeysPanel))]
        lines = [line for line in lines if line]
        text = "\n".join(lines)
        assert lines[0] == "kb 的按键"
        assert "/ 搜索" in text and "c 继续" in text and "^l English" in text
        assert text.index("/ 搜索") < text.index("其他按键") < text.index("向左滚动")
        assert "Scroll Left" not in text and "Copy selected text" not in text
        await click_footer(pilot, "ctrl+l")
        await until(pilot, lambda: app.lang == "en")
        await settle(pilot)
        text = "\n".join(region_text(app, app.screen.query_one(KeysPanel)))
        assert "/ Search" in text and text.index("/ Search") < text.index("Scroll Left")
        await pilot.press("f1")
        await settle(pilot)
        assert not app.screen.query(KeysPanel)


# -- #18: Home draws no glyph whose width terminals disagree on -------------------------------------


@async_test
async def test_home_at_80x24_uses_no_glyph_that_terminals_draw_narrower_than_textual_counts():
    for lang in ("en", "zh"):
        app = make_app(lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.services is not None and app.screen.data is not None)
            await settle(pilot)
            text = screen_text(app)
        for line in text.splitlines():
            for ch in line:
                wide = unicodedata.east_asian_width(ch) in "WF"
                assert cell_len(ch) == (2 if wide else 1), f"{ch!r} (U+{ord(ch):04X}) in {line!r}"
            assert cell_len(line) == 80


# -- #20: w acts on a concept that has an exercise; keys are shown only where they act ------------


@async_test
async def test_w_on_a_concept_opens_its_exercise_and_keys_show_only_where_they_act():
    from kb.tui.screens.detail import DetailScreen
    from kb.tui.screens.exercise import ExerciseScreen

    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_from_browse(pilot, app, "relu")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.data is not None)
        await settle(pilot)
        keys = footer_keys(app)
        assert "w" not in keys and "f" not in keys  # relu has no exercise; it is not a path
        assert "left_square_bracket" not in keys and "right_square_bracket" not in keys  # no history yet
        app.screen.navigate("sigmoid")
        await until(pilot, lambda: app.screen.data.entry_id == "sigmoid")
        await settle(pilot)
        keys = footer_keys(app)
        assert keys.get("w") == "Workspace" and "left_square_bracket" in keys
        actions = str(app.screen.query_one("#detail-actions").render())
        assert "Press w to practise this in the workspace: Implement sigmoid." in actions
        await click_footer(pilot, "w")
        await until(pilot, lambda: isinstance(app.screen, ExerciseScreen))
        assert app.screen.exercise_id == "sigmoid-exercise"
