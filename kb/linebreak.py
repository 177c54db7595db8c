"""Line breaking for mixed Chinese and Latin text, by the usual kinsoku (禁则) rules.

Rich's and Textual's wrappers break only at whitespace: a Chinese paragraph, which has
none, is one "word" that they push whole onto the next line and then fold at the width,
leaving a half-empty line before it and, as often as not, a line that starts with 。or ，.
Here a line may break between any two Chinese (or other wide) characters and at spaces,
never inside a Latin word, a number or an inline-code range, never before closing
punctuation and never after opening punctuation.

Pure functions on ``str`` (no Rich, no Textual): the CLI and the TUI each apply the offsets
to their own styled text at the width they draw at, so the source text is never changed
and nothing invisible is inserted into it (search, copying and the content lint see the
text as written).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

# A line never starts with these (closing punctuation, and marks that belong to the text
# before them); the ASCII forms matter after Chinese text ("函数)", "所示,").
CLOSING = frozenset("。，、；：？！）」』】》〉〕〗〙〛｝］”’…—‥・ー々〆ゝゞヽヾ〜～％"
                    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
                    ".,;:?!)]}%'\"")
# A line never ends with these (opening punctuation belongs to the text after it).
OPENING = frozenset("（「『【《〈〔〖〘〚｛［“‘([{")


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Terminal cells of one character: 2 for East Asian wide and fullwidth, 0 for
    combining marks, format and control characters, else 1 (as Rich and Textual count)."""
    if ch < "\u0300":  # Latin-1 and below: the common case, decided without a lookup
        return 0 if ch < " " or "\x7f" <= ch < "\xa0" else 1
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf", "Cc"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """Terminal cells of ``text`` (a Chinese character takes two)."""
    return sum(map(char_width, text))


def _wide(ch: str) -> bool:
    """A character a line may break before or after (ideographs, kana, fullwidth forms)."""
    return ch >= "\u1100" and unicodedata.east_asian_width(ch) in ("W", "F")


def break_opportunities(text: str, keep: Iterable[tuple[int, int]] = ()) -> list[int]:
    """Offsets ``i`` (0 < i < len(text)) where a new line may begin: after a run of spaces,
    or between two characters of which one is wide (Chinese), except before closing and
    after opening punctuation and inside the ``keep`` ranges (start, end) such as inline
    code. Spaces stay at the end of the line they follow."""
    inside = bytearray(len(text) + 1)
    for start, end in keep:
        for i in range(max(start + 1, 1), min(end, len(text))):
            inside[i] = 1
    out: list[int] = []
    last = ""  # the last character before the current run of spaces
    for i in range(1, len(text)):
        before, ch = text[i - 1], text[i]
        if not before.isspace():
            last = before
        if inside[i] or ch.isspace() or ch in CLOSING or last in OPENING:
            continue
        if before.isspace() or _wide(before) or _wide(ch):
            out.append(i)
    return out


def wrap_offsets(text: str, width: int, keep: Iterable[tuple[int, int]] = ()) -> list[int]:
    """The offsets at which ``text`` (one line, no newlines) starts a new line when filled
    greedily to ``width`` cells — the same shape as Rich's ``divide_line``. A piece that
    cannot fit on any line (a long URL) is folded at the width."""
    if width <= 0 or cell_width(text.rstrip()) <= width:
        return []
    cuts = [0, *break_opportunities(text, keep), len(text)]
    offsets: list[int] = []
    used = 0  # cells on the current line
    for start, end in zip(cuts, cuts[1:]):
        piece = text[start:end]
        visible = cell_width(piece.rstrip())
        if used + visible <= width:
            used += cell_width(piece)
            continue
        if visible <= width:  # fits on a line of its own
            if used:
                offsets.append(start)
            used = cell_width(piece)
            continue
        # Longer than a line: fold it at the width, character by character.
        if used:
            offsets.append(start)
        used = 0
        for i, ch in enumerate(piece, start):
            w = char_width(ch)
            if used + w > width and used and not ch.isspace():
                offsets.append(i)
                used = 0
            used += w
    return offsets


def split_at(text: str, offsets: Sequence[int]) -> list[str]:
    """``text`` cut at ``offsets``; every line but the last loses its trailing spaces."""
    bounds = [0, *offsets, len(text)]
    lines = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    return [line.rstrip(" ") for line in lines[:-1]] + lines[-1:]


def wrap(text: str, width: int, keep: Iterable[tuple[int, int]] = ()) -> list[str]:
    """``text`` filled to ``width`` cells; each newline in it starts a new line."""
    out: list[str] = []
    at = 0
    keep = list(keep)
    for line in text.split("\n"):
        local = [(s - at, e - at) for s, e in keep if e > at and s < at + len(line)]
        out += split_at(line, wrap_offsets(line, width, local))
        at += len(line) + 1
    return out


def code_ranges(text: str) -> list[tuple[int, int]]:
    """The (start, end) ranges of Markdown inline code (`...`) in ``text``, backticks
    included: they are kept whole when the raw Markdown is wrapped."""
    out: list[tuple[int, int]] = []
    i = text.find("`")
    while i != -1:
        ticks = len(text) - len(text[i:].lstrip("`"))
        fence = text[i:ticks]
        end = text.find(fence, ticks)
        if end == -1:
            break
        out.append((i, end + len(fence)))
        i = text.find("`", end + len(fence))
    return out
