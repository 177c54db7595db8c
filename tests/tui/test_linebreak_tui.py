"""Chinese text in the TUI wraps by kb's line-breaking rules: lines filled to the width, no
line starting with closing punctuation, and copied text without the drawn line breaks."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Offset
from textual.selection import Selection

from kb.linebreak import cell_width

from .conftest import async_test, make_app, screen_text, settle, until

SHIPPED = Path(__file__).resolve().parents[2] / "content"
NO_START = "。，、；：？！）」』】》〉”’…"
NO_END = "（「『【《〈“‘"


def region_lines(app, widget) -> list[str]:
    """The screen text inside ``widget``'s content region, one string per row."""
    region = widget.content_region
    rows = screen_text(app).split("\n")[region.y:region.y + region.height]
    out = []
    for row in rows:
        # screen_text is per character; a wide character takes two cells, so walk cells.
        cells, line = 0, ""
        for ch in row:
            if cells >= region.x + region.width:
                break
            if cells >= region.x:
                line += ch
            cells += cell_width(ch)
        out.append(line.rstrip())
    return out


async def open_entry(pilot, entry_id: str):
    from kb.tui.screens.detail import DetailScreen

    app = pilot.app
    await until(pilot, lambda: app.services is not None, timeout=60)
    app.push_screen(DetailScreen(entry_id))
    await until(pilot, lambda: app.screen.data is not None and app.screen.data.entry is not None)
    await settle(pilot)
    return app.screen


@async_test
async def test_a_chinese_faq_answer_fills_its_lines_and_obeys_kinsoku_at_80x24():
    app = make_app("zh", roots=[SHIPPED])
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_entry(pilot, "why-is-my-loss-nan")
        md = detail.query_one("#md")
        paragraphs = [p for p in md.query("MarkdownParagraph") if "数值溢出" in str(p.visual)]
        assert paragraphs, screen_text(app)
        para = paragraphs[0]
        lines = [line for line in region_lines(app, para) if line]
        width = para.content_region.width
        assert len(lines) >= 3, lines
        for line in lines[:-1]:
            # Filled to the width, less at most a wide character and a kinsoku hold-back
            # or a Latin word kept whole; Textual alone left "常见问题 —" on a line by itself.
            assert cell_width(line) >= width - 8, (width, lines)
        for line in lines[1:]:
            assert line[:1] not in NO_START, lines
        for line in lines[:-1]:
            assert line[-1:] not in NO_END, lines
        # Every rendered line of the whole body (list items too) obeys the rules.
        body = [line.strip() for line in region_lines(app, md)]
        assert not [line for line in body if line and line[0] in NO_START], body
        # The text itself is untouched: nothing invisible in it, no drawn breaks in a copy.
        source = str(para.visual)
        assert "\u200b" not in md.source and "\n" not in source
        copied, _ = para.get_selection(Selection.from_offsets(Offset(2, 0), Offset(4, 1)))
        assert "\n" not in copied
        # Offsets count characters: from the third on the first line to the fourth on the next.
        assert copied.startswith(lines[0][2:]) and copied.endswith(lines[1][:4])
        assert copied in source


@async_test
async def test_the_body_rewraps_when_the_terminal_is_resized():
    app = make_app("zh", roots=[SHIPPED])
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_entry(pilot, "why-is-my-loss-nan")
        md = detail.query_one("#md")
        para = next(p for p in md.query("MarkdownParagraph") if "数值溢出" in str(p.visual))
        narrow = len([line for line in region_lines(app, para) if line])
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        lines = [line for line in region_lines(app, para) if line]
        assert len(lines) < narrow
        width = para.content_region.width
        assert all(cell_width(line) >= width - 8 for line in lines[:-1]), lines
        assert all(line[:1] not in NO_START for line in lines[1:]), lines


@async_test
async def test_english_bodies_still_wrap_at_spaces():
    app = make_app("en", roots=[SHIPPED])
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_entry(pilot, "why-is-my-loss-nan")
        md = detail.query_one("#md")
        para = md.query("MarkdownParagraph").first()
        source = str(para.visual)
        words = set(source.split())
        for line in region_lines(app, para):
            for word in line.split():
                assert word in words, (word, line)  # no word was cut in two


@async_test
async def test_searching_still_finds_and_a_mouse_copy_has_no_drawn_breaks():
    """Found by a Chinese search (keys, Enter), then a paragraph selected with the mouse
    across a drawn line break: the copy is the text as written."""
    from kb.tui.screens.detail import DetailScreen

    app = make_app("zh", roots=[SHIPPED])
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.services is not None, timeout=60)
        await pilot.press("slash", *"损失为什么变成了")
        await until(pilot, lambda: getattr(app.screen, "searched", False) and app.screen.hits)
        assert app.screen.hits[0].id == "why-is-my-loss-nan"
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.data is not None)
        await settle(pilot)
        md = app.screen.query_one("#md")
        para = next(p for p in md.query("MarkdownParagraph") if "数值溢出" in str(p.visual))
        lines = [line for line in region_lines(app, para) if line]
        region = para.content_region
        # Drag from the first cell of the paragraph to the sixth cell of its third line.
        await pilot.mouse_down(para, offset=(region.x - para.region.x, region.y - para.region.y))
        await pilot.hover(para, offset=(region.x - para.region.x + 6, region.y - para.region.y + 2))
        await pilot.mouse_up(para, offset=(region.x - para.region.x + 6, region.y - para.region.y + 2))
        await pilot.pause()
        copied = app.screen.get_selected_text()
        assert copied is not None and "\n" not in copied.strip()
        source = str(para.visual)
        assert copied.strip() in source
        assert copied.startswith(lines[0]) and lines[1] in copied


@async_test
async def test_the_progress_screens_chinese_sentences_obey_kinsoku_at_80x24():
    """The retention panel's note ("…目前还没有。") once left "。" alone on a line."""
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.services is not None, timeout=60)
        await pilot.press("p")
        await until(pilot, lambda: "目前还没" in screen_text(app))
        await settle(pilot)
        for wid in ("#retention", "#today"):
            lines = [line for line in region_lines(app, app.screen.query_one(wid)) if line]
            assert lines and not any(line[0] in NO_START for line in lines), lines
