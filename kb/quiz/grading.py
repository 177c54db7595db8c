"""Grading every quiz item type, in both languages.

Two steps, so that the CLI (text) and the TUI (widgets) share the rules:

* :func:`parse_response` turns what the learner typed into a response value, or raises
  :class:`InvalidResponse` (a bilingual message; ask again, it is not a wrong answer);
* :func:`grade` compares a response value with the item and returns a :class:`Grade`.

Response values: ``single`` an index, ``multiple`` a set of indexes, ``true_false`` a
bool, ``numeric`` a float, ``short`` a string. Choices are shown as letters A, B, C...;
the learner may type letters or 1-based numbers.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from kb.schema import MultipleChoice, Numeric, ShortAnswer, SingleChoice, Text, TrueFalse

Item = SingleChoice | MultipleChoice | TrueFalse | Numeric | ShortAnswer  # a quiz item, any type

LETTERS = "ABCDEFGH"

TRUE_WORDS = {"t", "true", "y", "yes", "1", "对", "是", "正确", "真", "对的", "√", "✓", "✔"}
FALSE_WORDS = {"f", "false", "n", "no", "0", "错", "否", "错误", "假", "不对", "×", "✗", "✘", "x"}

# Punctuation a learner may leave around a short answer (both scripts).
_EDGE_PUNCT = " \t.,;:!?'\"`。，、；：！？“”‘’「」『』（）()[]【】《》<>"
_CJK = r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


class InvalidResponse(ValueError):
    """The input is not an answer of the right shape (e.g. ``Z`` for three choices)."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en, self.zh = en, zh

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Grade:
    correct: bool
    expected: str  # the right answer, ready to show in the chosen language
    response: Any  # the parsed response that was graded


def _text(t: Text | dict[str, str] | None, lang: str) -> str:
    from kb.i18n import pick

    return pick(t, lang)


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def normalize_short(s: str) -> str:
    """Case, Unicode width (NFKC) and whitespace normalised; punctuation at the edges
    dropped; spaces next to CJK characters dropped (``梯度 下降`` = ``梯度下降``)."""
    s = _nfkc(s).casefold()
    s = re.sub(r"\s+", " ", s).strip().strip(_EDGE_PUNCT)
    s = re.sub(rf"(?<=[{_CJK}]) (?=\S)|(?<=\S) (?=[{_CJK}])", "", s)
    return s


# --- parsing what was typed ------------------------------------------------------------


def _choice_index(token: str, n: int) -> int:
    t = token.strip().upper()
    if len(t) == 1 and t in LETTERS[:n]:
        return LETTERS.index(t)
    if t.isdigit() and 1 <= int(t) <= n:
        return int(t) - 1
    last = LETTERS[n - 1]
    raise InvalidResponse(
        f"'{token.strip()}' is not a choice: type a letter A–{last} (or a number 1–{n})",
        f"“{token.strip()}”不是选项：请输入字母 A–{last}（或数字 1–{n}）",
    )


def parse_response(item: Item, text: str) -> Any:
    raw = _nfkc(text).strip()
    if isinstance(item, SingleChoice):
        if not raw:
            raise InvalidResponse("type the letter of one choice", "请输入一个选项的字母")
        return _choice_index(raw, len(item.choices))
    if isinstance(item, MultipleChoice):
        tokens = [t for t in re.split(r"[\s,，、;；/+&]+", raw) if t]
        n = len(item.choices)
        # "ACD" without separators
        if len(tokens) == 1 and len(tokens[0]) > 1 and tokens[0].isalpha():
            tokens = list(tokens[0])
        if not tokens:
            raise InvalidResponse(
                "type the letters of every right choice, e.g. A C",
                "请输入所有正确选项的字母，例如 A C",
            )
        return frozenset(_choice_index(t, n) for t in tokens)
    if isinstance(item, TrueFalse):
        t = raw.casefold().strip(_EDGE_PUNCT)
        if t in TRUE_WORDS:
            return True
        if t in FALSE_WORDS:
            return False
        raise InvalidResponse("answer true or false (t / f)", "请回答 对 或 错（t / f）")
    if isinstance(item, Numeric):
        return _parse_number(raw)
    if isinstance(item, ShortAnswer):
        if not normalize_short(raw):
            raise InvalidResponse("type an answer", "请输入答案")
        return raw
    raise TypeError(f"unknown quiz item type {type(item).__name__}")


def _parse_number(raw: str) -> float:
    t = raw.replace("−", "-").replace("–", "-").replace(" ", "").replace("_", "")
    bad = InvalidResponse(
        f"'{raw}' is not a number (write e.g. 0.5, -3, 1e-3 or 1/2)",
        f"“{raw}”不是数字（例如 0.5、-3、1e-3 或 1/2）",
    )
    try:
        if re.fullmatch(r"[+-]?\d+(?:\.\d+)?/[+-]?\d+(?:\.\d+)?", t):
            num, den = t.split("/")
            value = float(num) / float(den)
        else:
            value = float(t)
    except (ValueError, ZeroDivisionError):
        raise bad from None
    if not math.isfinite(value):
        raise bad
    return value


# --- grading ------------------------------------------------------------------------------


def expected_text(item: Item, lang: str) -> str:
    """The right answer as the learner should see it."""
    if isinstance(item, SingleChoice):
        return f"{LETTERS[item.answer]}. {_text(item.choices[item.answer], lang)}"
    if isinstance(item, MultipleChoice):
        return "; ".join(f"{LETTERS[i]}. {_text(item.choices[i], lang)}" for i in sorted(item.answers))
    if isinstance(item, TrueFalse):
        if lang == "zh":
            return "对" if item.answer else "错"
        return "true" if item.answer else "false"
    if isinstance(item, Numeric):
        value = _number(item.answer)
        return f"{value} (± {_number(item.tolerance)})" if item.tolerance else value
    if isinstance(item, ShortAnswer):
        own = item.accepted.zh if lang == "zh" else item.accepted.en
        other = item.accepted.en if lang == "zh" else item.accepted.zh
        return " / ".join(own or other)
    raise TypeError(f"unknown quiz item type {type(item).__name__}")


def grade(item: Item, response: Any, lang: str = "en") -> Grade:
    """Grade a parsed response (see the module docstring for its type)."""
    if isinstance(item, SingleChoice):
        ok = int(response) == item.answer
    elif isinstance(item, MultipleChoice):
        ok = set(response) == set(item.answers)
    elif isinstance(item, TrueFalse):
        ok = bool(response) is item.answer
    elif isinstance(item, Numeric):
        value = float(response)
        # a hair of slack so that a tolerance of 0.01 accepts 0.51 for 0.5
        ok = math.isfinite(value) and abs(value - item.answer) <= item.tolerance * (1 + 1e-9) + 1e-12
    elif isinstance(item, ShortAnswer):
        given = normalize_short(str(response))
        # the chosen language's answers first; the other language's are accepted too
        accepted = item.accepted.zh + item.accepted.en if lang == "zh" else item.accepted.en + item.accepted.zh
        ok = any(given == normalize_short(a) for a in accepted)
    else:
        raise TypeError(f"unknown quiz item type {type(item).__name__}")
    return Grade(correct=bool(ok), expected=expected_text(item, lang), response=response)


def grade_text(item: Item, text: str, lang: str = "en") -> Grade:
    """Parse and grade typed input (raises :class:`InvalidResponse` on bad input)."""
    return grade(item, parse_response(item, text), lang)


def input_hint(item: Item, lang: str) -> str:
    """How to answer this item, one short line."""
    if isinstance(item, SingleChoice):
        last = LETTERS[len(item.choices) - 1]
        return f"一个字母 A–{last}" if lang == "zh" else f"one letter A–{last}"
    if isinstance(item, MultipleChoice):
        return "所有正确选项的字母，如 A C" if lang == "zh" else "every right letter, e.g. A C"
    if isinstance(item, TrueFalse):
        return "对 / 错（t / f）" if lang == "zh" else "true / false (t / f)"
    if isinstance(item, Numeric):
        return "一个数字" if lang == "zh" else "a number"
    return "简短回答" if lang == "zh" else "a short answer"


def _number(x: float) -> str:
    """A number as a learner would write it: 16777216 stays whole, 0.5 stays 0.5
    (``:g`` would print 1.67772e+07)."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x)) if abs(x) >= 1e-4 else f"{x:.6g}"
