"""Text that wraps Chinese by kb's line-breaking rules (kb.linebreak) in Textual widgets.

Textual wraps Content only at whitespace (``rich._wrap.divide_line``): a Chinese paragraph
is pushed whole onto a new line, leaving the line before it half empty, and is folded
wherever the width falls, before 。or ） too. No character is both a break opportunity for
that wrapper and invisible on every terminal (U+200B is not whitespace to it), so nothing
is inserted into the text. Instead :class:`ProseVisual` cuts the Content at kb's break
offsets for the width it is drawn at, and Textual's wrapper finds every piece fitting.

The widget's own text is never changed: search and the content lint read the source, and
:meth:`ProseBlockMixin.get_selection` maps a selection on the cut lines back to the text as
written, so a copy has no line breaks the screen width put there.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, cast

from textual.content import Content
from textual.geometry import Offset
from textual.selection import Selection
from textual.strip import Strip
from textual.visual import RenderOptions, Visual
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownBlock

from kb.linebreak import wrap_offsets

if TYPE_CHECKING:
    from textual.css.styles import RulesMap
    from textual.style import Style


class ProseVisual(Visual):
    """``content`` drawn with lines broken by kb's rules (Chinese between characters,
    never before closing or after opening punctuation, inline code kept whole)."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._cuts: dict[int, tuple[Content, list[tuple[int, int]]]] = {}
        self._drawn: list[tuple[int, int]] | None = None  # the origins of the lines last drawn

    def __str__(self) -> str:  # the text as written, like Content's
        return self.content.plain

    def cut(self, width: int) -> tuple[Content, list[tuple[int, int]]]:
        """The content with a newline at each break for ``width`` cells, and for each of its
        lines the (line, offset) in ``content`` where it starts."""
        if width in self._cuts:
            return self._cuts[width]
        pieces: list[Content] = []
        origin: list[tuple[int, int]] = []
        at = 0
        for y, line in enumerate(self.content.split("\n", allow_blank=True)):
            keep = [(s.start - at, s.end - at) for s in self.content.spans
                    if s.style == ".code_inline" and s.end > at and s.start < at + len(line)]
            offsets = wrap_offsets(line.plain, width, keep)
            parts = line.divide(offsets)
            pieces += [part.rstrip() for part in parts[:-1]] + parts[-1:]
            origin += [(y, start) for start in (0, *offsets)]
            at += len(line) + 1
        if len(self._cuts) > 8:  # a few widths (layout probes, resizes) are worth keeping
            self._cuts.clear()
        self._cuts[width] = cut = (Content("\n").join(pieces), origin)
        return cut

    def _for(self, rules: RulesMap, width: int) -> tuple[Content, list[tuple[int, int]] | None]:
        if rules.get("text_wrap", "wrap") == "nowrap":
            return self.content, None
        return self.cut(width - 2 * rules.get("line_pad", 0))

    def render_strips(self, width: int, height: int | None, style: Style,
                      options: RenderOptions) -> list[Strip]:
        content, self._drawn = self._for(options.rules, width)
        return content.render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content.get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return self.content.get_minimal_width(rules)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._for(rules, width)[0].get_height(rules, width)

    def selection_in_source(self, selection: Selection) -> Selection:
        """A selection made on the drawn (cut) lines, in the coordinates of ``content``."""
        origin = self._drawn
        if origin is None:  # not drawn yet, or drawn without wrapping: the same lines
            return selection

        def back(offset: Offset | None) -> Offset | None:
            if offset is None or not origin:
                return offset
            y, start = origin[min(offset.y, len(origin) - 1)]
            return Offset(start + offset.x, y)

        return Selection(back(selection.start), back(selection.end))


def _copied(widget: Static, selection: Selection) -> tuple[str, str] | None:
    """The text under ``selection`` as written (without the breaks drawing added), or
    None when the widget is not drawing a :class:`ProseVisual`."""
    visual = widget.visual
    if not isinstance(visual, ProseVisual):
        return None
    return visual.selection_in_source(selection).extract(visual.content.plain), "\n"


class ProseBlockMixin:
    """Draws a Markdown block (paragraph, heading) through :class:`ProseVisual`. Not a
    DOMNode itself, so Textual's CSS follows the block class it is mixed into."""

    def set_content(self, content: Content) -> None:
        super().set_content(content)  # type: ignore[misc]  # the block's own: keeps the source
        cast(Static, self).update(ProseVisual(content))

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return _copied(cast(Static, self), selection) or super().get_selection(selection)  # type: ignore[misc]


@lru_cache(maxsize=None)
def _prose_class(base: type[MarkdownBlock]) -> type[MarkdownBlock]:
    # Named like the base with a prefix; its CSS type names are the base's and its bases'.
    return type(f"Prose{base.__name__}", (ProseBlockMixin, base), {})


# The blocks that hold running text (list items and quotes hold paragraphs); code fences
# and tables keep Textual's own drawing.
_PROSE_BLOCKS = frozenset({"paragraph_open", "h1", "h2", "h3", "h4", "h5", "h6"})


class ProseMarkdown(Markdown):
    """Textual's Markdown with paragraphs and headings wrapped by kb's rules."""

    def get_block_class(self, block_name: str) -> type[MarkdownBlock]:
        block = super().get_block_class(block_name)
        return _prose_class(block) if block_name in _PROSE_BLOCKS else block


class Prose(Static):
    """A Static for prose (a quiz question, feedback) wrapped by kb's rules: whatever it is
    updated with that Textual turns into Content is drawn through :class:`ProseVisual`."""

    _prose: tuple[Visual, ProseVisual] | None = None

    @property
    def visual(self) -> Visual:
        visual = super().visual
        if not isinstance(visual, Content):
            return visual
        if self._prose is None or self._prose[0] is not visual:  # one per update: keeps its cut
            self._prose = (visual, ProseVisual(visual))
        return self._prose[1]

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return _copied(self, selection) or super().get_selection(selection)
