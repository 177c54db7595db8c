"""Text that is safe to write to a terminal.

Content packs are user data: a title or body may carry bytes a terminal acts on
(``ESC [2J`` clears the screen, OSC sequences set the window title or write the
clipboard, BEL rings, CR overwrites the line, a right-to-left override reorders what the
learner reads). Every face that prints content text runs it through
:func:`terminal_safe` first; JSON output is data and is left as it is (``json.dumps``
escapes the C0 controls).
"""

from __future__ import annotations

import re

# Whole escape sequences go, not just the ESC byte, so "\x1b[2J" leaves no "[2J" behind:
# CSI (ESC [ or the C1 CSI, then parameters, intermediates, final byte); OSC, DCS, SOS,
# PM and APC strings up to BEL or ST (or the end of the line, so that an unterminated
# one cannot swallow the rest of the text); any other two-byte escape.
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b\n]*(?:\x07|\x1b\\)?"
    r"|\x1b[ -/]*[0-~]?"
)
# What is left: C0 controls except \t and \n, DEL, C1 controls, and the bidi controls
# (embeddings, overrides, isolates, marks) that make text display in another order.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A lone surrogate cannot be encoded: printing it would raise UnicodeEncodeError.
_SURROGATE = re.compile("[\ud800-\udfff]")


def terminal_safe(text: str) -> str:
    """``text`` without terminal control sequences and characters (keeps \\n and \\t)."""
    if text.isprintable():  # the common case: nothing to strip (\n and \t are not printable)
        return text
    text = _ESCAPE.sub("", text)
    text = _CONTROL.sub("", text)
    return _SURROGATE.sub("\ufffd", text)


class Bilingual:
    """What every ``{en, zh}`` text offers readers, shared by the content model's
    ``Text`` (pydantic) and the index's light text (no pydantic on the read path)."""

    en: str | None
    zh: str | None

    def get(self, lang: str) -> tuple[str, bool]:
        """The text in ``lang`` and whether it fell back to the other language."""
        own = self.en if lang == "en" else self.zh
        if own and own.strip():
            return own, False
        other = self.zh if lang == "en" else self.en
        return other or "", True

    def missing(self) -> list[str]:
        return [lang for lang in ("en", "zh") if not (getattr(self, lang) or "").strip()]
