"""Chinese line breaking (kb.linebreak): fill to the width, kinsoku rules, Latin kept whole."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from kb.linebreak import (
    CLOSING,
    OPENING,
    break_opportunities,
    cell_width,
    char_width,
    code_ranges,
    wrap,
    wrap_offsets,
)

PARAGRAPH = (
    "深度学习是机器学习的一个分支，它使用多层神经网络（也称深层网络）从数据中学习表示。"
    "与传统方法相比，深度学习不需要手工设计特征：网络的每一层都把上一层的输出变换成更抽象的表示，"
    "最后一层再根据这些表示做出预测。训练时，我们用反向传播计算损失对每个参数的梯度，"
    "再用随机梯度下降、动量法或 Adam 等优化算法更新参数；学习率、批量大小和初始化方式"
    "都会影响训练是否收敛、收敛得多快。“过拟合”是指模型在训练集上表现很好，"
    "但在测试集上表现变差——这时可以用权重衰减、暂退法或数据增强来缓解。"
)
# What a line may not start with / end with, as the defect report lists them.
NO_START = "。，、；：？！）」』】》〉”’…%,.;:?!)"
NO_END = "（「『【《〈“‘("


def check_lines(lines: list[str], width: int) -> None:
    for i, line in enumerate(lines):
        assert cell_width(line.rstrip(" ")) <= width, (i, line)
        if i:
            assert line[:1] not in NO_START, (i, line)
        if i < len(lines) - 1:
            assert line[-1:] not in NO_END, (i, line)
            assert not line.endswith(" "), (i, line)


@pytest.mark.parametrize("width", [10, 17, 20, 31, 40, 58, 76, 80])
def test_long_chinese_paragraph_fills_every_line_but_the_last(width):
    lines = wrap(PARAGRAPH, width)
    assert "".join(lines).replace(" ", "") == PARAGRAPH.replace(" ", "")
    check_lines(lines, width)
    for line in lines[:-1]:
        # Full to within a wide character, and at most one more held back by a kinsoku
        # rule or the Latin word "Adam" (4 cells) kept whole.
        assert cell_width(line) >= width - 5, (width, line)
    assert len(lines) <= -(-cell_width(PARAGRAPH) // (width - 5)) + 1


def test_rich_wraps_the_same_paragraph_badly():
    """The defect itself: Rich breaks only at spaces, so the run of Chinese before "Adam"
    is pushed to a new line and a line can start with punctuation. (If Rich ever learns
    CJK breaking this test says so, and kb's own breaking can be reconsidered.)"""
    from rich._wrap import divide_line

    offsets = divide_line(PARAGRAPH, 40)
    pieces = [PARAGRAPH[a:b] for a, b in zip([0, *offsets], [*offsets, len(PARAGRAPH)])]
    half_empty = [p for p in pieces[:-1] if cell_width(p.rstrip()) < 20]
    starts = [p[:1] for p in pieces[1:]]
    assert half_empty or any(s in NO_START for s in starts)
    ours = wrap(PARAGRAPH, 40)
    assert all(cell_width(line) >= 35 for line in ours[:-1])


def test_never_starts_with_closing_punctuation():
    text = "这是一个句子。" * 3 + "一二三四五，六七八九十、甲乙丙丁）戊己庚辛！"
    for width in range(4, 40):
        lines = wrap(text, width)
        check_lines(lines, width)
        assert "".join(lines) == text


def test_punctuation_goes_with_the_character_before_it():
    # Width 6 holds three characters: "三。" cannot be split, so "三" moves down with it.
    assert wrap("一二三。四五六", 6) == ["一二", "三。四", "五六"]
    assert wrap("一二（三四五六", 6) == ["一二", "（三四", "五六"]
    assert wrap("甲“乙丙”丁", 4) == ["甲", "“乙", "丙”", "丁"]


def test_never_ends_with_opening_punctuation():
    text = "见（图一）与「注释」以及《深度学习》【附录】“引号”中的内容，" * 2
    for width in range(4, 40):
        check_lines(wrap(text, width), width)


@pytest.mark.parametrize("width", [10, 12, 15, 20, 33])
def test_latin_words_and_numbers_stay_whole(width):
    text = "使用 softmax 函数把 logits 变成概率，学习率 0.001 与 batch_size 64 是常见设置。"
    lines = wrap(text, width)
    check_lines(lines, width)
    words = re.findall(r"[A-Za-z0-9_.]+", text)
    joined = "\n".join(lines)
    for word in words:
        assert word in joined, word  # never cut by a newline
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_relu_mixed_text():
    text = "ReLU 函数在输入为正时输出输入本身"
    assert break_opportunities(text)[0] == 5  # after "ReLU ", not inside "ReLU"
    assert not set(break_opportunities(text)) & {1, 2, 3, 4}
    assert wrap(text, 8) == ["ReLU 函", "数在输入", "为正时输", "出输入本", "身"]
    assert wrap("激活函数 ReLU 很常用", 10) == ["激活函数", "ReLU 很常", "用"]


def test_inline_code_stays_whole():
    text = "用 `kb exercise start relu` 开始，再用 `kb exercise check relu` 检查。"
    ranges = code_ranges(text)
    assert [text[a:b] for a, b in ranges] == ["`kb exercise start relu`", "`kb exercise check relu`"]
    for width in range(26, 60):
        lines = wrap(text, width, ranges)
        check_lines(lines, width)
        joined = "\n".join(lines)
        assert "`kb exercise start relu`" in joined and "`kb exercise check relu`" in joined


def test_a_piece_longer_than_the_line_is_folded():
    url = "https://example.org/" + "a" * 50
    lines = wrap(f"见 {url} 。", 20)
    assert all(cell_width(line) <= 20 for line in lines)
    assert "".join(lines).replace(" ", "") == f"见{url}。"


def test_ascii_text_breaks_only_at_spaces():
    text = "The quick brown fox jumps over the lazy dog, twice (or thrice)."
    lines = wrap(text, 16)
    assert lines == ["The quick brown", "fox jumps over", "the lazy dog,", "twice (or", "thrice)."]


def test_newlines_keep_their_lines_and_short_text_is_untouched():
    assert wrap("一二\n三四五六七八", 6) == ["一二", "三四五", "六七八"]
    assert wrap_offsets("短句。", 80) == []
    assert wrap("", 10) == [""]
    assert wrap_offsets("任意文本", 0) == []


def test_spaces_stay_at_the_end_of_a_line():
    offsets = wrap_offsets("aaa bbb ccc", 7)
    assert offsets == [8]  # "aaa bbb " | "ccc": the next line starts at a word
    assert wrap("aaa bbb ccc", 7) == ["aaa bbb", "ccc"]


def test_widths_match_rich_for_the_shipped_content():
    """The breaker and the renderers must agree on widths, or a line the breaker fills
    overflows and is wrapped again. Every character of the shipped content is checked."""
    from rich.cells import cell_len

    content = Path(__file__).resolve().parents[2] / "content"
    chars = set()
    for path in content.rglob("*.yaml"):
        chars |= set(path.read_text(encoding="utf-8"))
    chars -= {"\n", "\t", "\r"}
    assert len(chars) > 500
    wrong = {ch: (char_width(ch), cell_len(ch)) for ch in chars if char_width(ch) != cell_len(ch)}
    assert not wrong


def test_random_mixed_text_obeys_every_rule():
    rng = random.Random(7)
    alphabet = list("的是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动")
    pieces = alphabet * 3 + list("。，、；：？！（）「」《》“”") + [" ReLU ", " 0.5 ", " `x @ W` ", " GPU "]
    checked = 0
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 80)))
        width = rng.randint(8, 50)
        keep = code_ranges(text)
        lines = wrap(text, width, keep)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(cell_width(line.rstrip()) <= width for line in lines)
        cuts = [0, *break_opportunities(text, keep), len(text)]
        if any(cell_width(text[a:b].rstrip()) > width for a, b in zip(cuts, cuts[1:])):
            continue  # an unbreakable run wider than the line must be folded somewhere
        checked += 1
        check_lines(lines, width)
        for line in lines[:-1]:  # greedy: the next line's first piece did not fit
            assert cell_width(line) > width - 12
    assert checked > 250


def test_the_rule_sets_cover_what_the_defect_lists():
    assert set(NO_START) <= CLOSING and set(NO_END) <= OPENING
    assert not CLOSING & OPENING


def _rendered(markdown: str, width: int) -> list[str]:
    from rich.console import Console

    from kb.cli.prose import ProseMarkdown

    console = Console(width=width, force_terminal=True, color_system=None, highlight=False)
    with console.capture() as capture:
        console.print(ProseMarkdown(markdown, code_theme="ansi_dark", inline_code_theme="ansi_dark"))
    return [line.rstrip() for line in capture.get().split("\n")]


@pytest.mark.parametrize("width", [30, 47, 60, 80])
def test_cli_markdown_paragraphs_and_list_items_break_by_the_rules(width):
    """What ``kb show`` prints on a terminal: Rich's Markdown with kb's breaking."""
    markdown = f"{PARAGRAPH}\n\n- 要点：{PARAGRAPH}\n- 用 `kb exercise start relu` 开始练习。\n"
    lines = [line for line in _rendered(markdown, width) if line.strip()]
    for line in lines:
        assert cell_width(line) <= width
        assert line.strip()[:1] not in NO_START, line
    # The paragraph fills its lines: with Rich's own wrapper the run before "Adam" left a
    # half-empty line.
    para = lines[: next(i for i, line in enumerate(lines) if "•" in line)]
    assert all(cell_width(line) >= width - 5 for line in para[:-1]), para
    assert "".join(para).replace(" ", "") == PARAGRAPH.replace(" ", "")
    assert any("kb exercise start relu" in line for line in lines)  # inline code whole


def test_cli_search_snippet_keeps_its_highlight_when_broken():
    from rich.console import Console
    from rich.text import Text

    from kb.cli.prose import Prose

    snippet = Text("…损失函数中出现 log(0) 或对很大的数求指数，或者数据里本来就有 NaN 或无穷大。")
    at = snippet.plain.index("log(0)")
    snippet.stylize("bold yellow", at, at + 6)
    console = Console(width=24, force_terminal=True, color_system="standard")
    with console.capture() as capture:
        console.print(Prose(snippet))
    out = capture.get()
    assert "\x1b[1;33mlog(0)" in out
    plain = Text.from_ansi(out).plain.split("\n")
    assert all(not line or line[0] not in NO_START for line in plain[1:])
    assert all(cell_width(line) >= 20 for line in plain[:-2])
