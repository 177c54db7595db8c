"""Rich renderables that wrap Chinese text by kb's line-breaking rules (kb.linebreak).

Rich breaks lines only at whitespace, so a Chinese paragraph is pushed whole onto a new
line and folded wherever the width falls, even before 。or ，. These renderables cut the
text at kb's break offsets for the width they are drawn at; each piece then fits, so
Rich's own wrapper leaves it alone. Used on a terminal only: piped output is not wrapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Heading, Markdown, MarkdownContext, MarkdownElement, Paragraph
from rich.text import Text, TextType

from kb.linebreak import wrap_offsets


def broken_text(text: Text, width: int, keep: Sequence[tuple[int, int]] = ()) -> Text:
    """``text`` with a newline at each of kb's break offsets for ``width`` cells; styles,
    justification and the ``keep`` ranges (offsets into ``text``) carried over."""
    lines: list[Text] = []
    at = 0
    for line in text.split("\n", allow_blank=True):
        local = [(s - at, e - at) for s, e in keep if e > at and s < at + len(line)]
        pieces = line.divide(wrap_offsets(line.plain, width, local))
        for piece in pieces[:-1]:
            piece.rstrip()
        lines += pieces
        at += len(line) + 1
    return text.blank_copy("\n").join(lines)


class Prose:
    """A Rich renderable: ``text`` wrapped by kb's rules at the width it is drawn at."""

    def __init__(self, text: Text, keep: Sequence[tuple[int, int]] = ()) -> None:
        self.text, self.keep = text, list(keep)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield broken_text(self.text, options.max_width, self.keep)


class _Paragraph(Paragraph):
    """A paragraph whose inline code stays whole and whose lines break by kb's rules."""

    def on_enter(self, context: MarkdownContext) -> None:
        super().on_enter(context)
        self.keep: list[tuple[int, int]] = []

    def on_text(self, context: MarkdownContext, text: TextType) -> None:
        start = len(self.text)
        super().on_text(context, text)
        if not isinstance(text, str):  # inline code arrives highlighted, as Text
            self.keep.append((start, len(self.text)))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for out in super().__rich_console__(console, options):
            yield broken_text(out, options.max_width, self.keep) if isinstance(out, Text) else out


class _Heading(Heading):
    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for out in super().__rich_console__(console, options):
            yield broken_text(out, options.max_width) if isinstance(out, Text) else out


class ProseMarkdown(Markdown):
    """Rich's Markdown with paragraphs and headings broken by kb's rules."""

    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements, "paragraph_open": _Paragraph, "heading_open": _Heading,
    }
