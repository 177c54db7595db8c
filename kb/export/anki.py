"""The quiz items (and, on request, concept summaries) as an Anki deck, with genanki.

Re-exporting must update the cards a learner already has, never duplicate them, so every
id is derived from stable text: a note's guid from its kb id (``kb:quiz:<item id>``,
``kb:concept:<concept id>``), the note types' and the deck's ids from fixed names. The
same guid is used in every language, so exporting in Chinese after English rewrites the
notes in place (Anki keeps their review history).

Text goes into Anki's HTML fields escaped (``<``, ``&``...) with line breaks as ``<br>``;
formulas are Unicode text (σ(x) = 1 / (1 + e⁻ˣ)) and stay text, so they read the same in
Anki as in kb without MathJax. This module never imports Textual.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from kb.schema import Concept, MultipleChoice, Numeric, ShortAnswer, SingleChoice, Text, TrueFalse

EXPORT_LANGS = ("en", "zh", "both")

DECK_NAMES = {
    "en": "kb · Deep learning and large models",
    "zh": "kb · 深度学习与大模型",
    "both": "kb · 深度学习与大模型 / Deep learning and large models",
}

QUIZ_FIELDS = ("Question", "Choices", "Answer", "Explanation", "Concepts", "Id")
CONCEPT_FIELDS = ("Title", "Summary", "Formulas", "KeyPoints", "Id")

_CSS = """\
.card { font-family: -apple-system, "Segoe UI", "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif;
        font-size: 18px; text-align: left; line-height: 1.5; }
.choices div { margin: 0.2em 0; }
.answer { font-weight: bold; }
.explanation, .summary { margin-top: 0.6em; }
.formula { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Menlo, Consolas, monospace; white-space: pre-wrap; }
.meta { margin-top: 1em; font-size: 12px; color: #888; }
.en { color: #555; }
hr.lang { border: none; border-top: 1px dashed #bbb; }
"""

_QUIZ_FRONT = """\
<div class="question">{{Question}}</div>
{{#Choices}}<div class="choices">{{Choices}}</div>{{/Choices}}
"""
_QUIZ_BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="answer">{{Answer}}</div>
<div class="explanation">{{Explanation}}</div>
<div class="meta">{{Concepts}} · {{Id}}</div>
"""
_CONCEPT_FRONT = """<div class="title">{{Title}}</div>"""
_CONCEPT_BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="summary">{{Summary}}</div>
{{#Formulas}}<div class="formulas">{{Formulas}}</div>{{/Formulas}}
{{#KeyPoints}}<ul class="key-points">{{KeyPoints}}</ul>{{/KeyPoints}}
<div class="meta">{{Id}}</div>
"""

LETTERS = "ABCDEFGH"
_TF = {"en": ("true", "false"), "zh": ("对", "错")}
# Characters that must not reach an Anki field: C0/C1 controls (except \t, \n) and bidi overrides.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def stable_id(name: str) -> int:
    """A 31-bit id for a note type or deck, the same on every run (Anki wants
    positive 64-bit ints; genanki's docs suggest 1 << 30 .. 1 << 31)."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def note_guid(kind: str, ident: str) -> str:
    """The note's guid, from its kb id only (not its language or its text)."""
    import genanki

    return genanki.guid_for("kb", kind, ident)


def html_text(text: str) -> str:
    """Plain content text as an Anki HTML field: escaped, line breaks kept."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n")).strip()
    return html.escape(text, quote=False).replace("\n", "<br>")


def _langs(lang: str) -> tuple[str, ...]:
    if lang not in EXPORT_LANGS:
        raise ValueError(f"language must be one of {', '.join(EXPORT_LANGS)}, not {lang!r}")
    return ("zh", "en") if lang == "both" else (lang,)


def _one(text: Text | None, lang: str) -> str:
    """``text`` in ``lang`` (the other language if it has only that one), escaped."""
    if text is None:
        return ""
    own, _fallback = text.get(lang)
    return html_text(own)


def _field(text: Text | None, lang: str) -> str:
    """A field in the chosen language; with ``both``, Chinese then English."""
    langs = _langs(lang)
    if len(langs) == 1:
        return _one(text, langs[0])
    if text is None:
        return ""
    zh, en = (text.zh or "").strip(), (text.en or "").strip()
    if zh and en and zh != en:
        return f'<div class="zh">{html_text(zh)}</div><hr class="lang"><div class="en">{html_text(en)}</div>'
    return html_text(zh or en)


def _inline(text: Text, lang: str) -> str:
    """A short text (a choice, a key point) on one line; ``both`` joins with " / "."""
    langs = _langs(lang)
    parts: list[str] = []
    for one in langs:
        own, _ = text.get(one)
        own = own.strip()
        if own and own not in parts:
            parts.append(own)
    return " / ".join(html_text(p) for p in parts)


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else repr(value)


def _answer(item, lang: str) -> str:
    """The right answer, as the back of the card shows it."""
    if isinstance(item, SingleChoice):
        return f"{LETTERS[item.answer]}. {_inline(item.choices[item.answer], lang)}"
    if isinstance(item, MultipleChoice):
        return "<br>".join(f"{LETTERS[i]}. {_inline(item.choices[i], lang)}" for i in sorted(item.answers))
    if isinstance(item, TrueFalse):
        words = [_TF[one][0 if item.answer else 1] for one in _langs(lang)]
        return html_text(" / ".join(words))
    if isinstance(item, Numeric):
        value = _number(item.answer)
        return html_text(f"{value} (± {_number(item.tolerance)})" if item.tolerance else value)
    if isinstance(item, ShortAnswer):
        forms: list[str] = []
        for one in _langs(lang):
            for form in (item.accepted.zh if one == "zh" else item.accepted.en):
                if form not in forms:
                    forms.append(form)
        if not forms:  # only the other language has accepted forms
            forms = list(item.accepted.en or item.accepted.zh)
        return html_text(" / ".join(forms))
    raise TypeError(f"unknown quiz item type {type(item).__name__}")


def _choices(item, lang: str) -> str:
    choices = getattr(item, "choices", None) or []
    return "".join(f"<div>{LETTERS[i]}. {_inline(c, lang)}</div>" for i, c in enumerate(choices))


def _question(item, lang: str) -> str:
    q = _field(item.question, lang)
    if isinstance(item, MultipleChoice):
        hint = {"en": "(choose all that apply)", "zh": "（多选）"}
        q += "<br><small>" + html_text(" ".join(hint[one] for one in _langs(lang))) + "</small>"
    elif isinstance(item, TrueFalse):
        hint = {"en": "(true or false?)", "zh": "（判断对错）"}
        q += "<br><small>" + html_text(" ".join(hint[one] for one in _langs(lang))) + "</small>"
    return q


def _tags(*groups: Iterable[str]) -> list[str]:
    out = ["kb"]
    for group in groups:
        for tag in group:
            tag = re.sub(r"\s+", "_", tag)
            if tag and tag not in out:
                out.append(tag)
    return out


@dataclass
class ExportResult:
    path: Path
    deck_name: str
    quiz_notes: int = 0
    concept_notes: int = 0
    guids: list[str] = field(default_factory=list)

    @property
    def notes(self) -> int:
        return self.quiz_notes + self.concept_notes


def _models():
    import genanki

    quiz = genanki.Model(
        stable_id("kb quiz item note type v1"), "kb · quiz item",
        fields=[{"name": name} for name in QUIZ_FIELDS],
        templates=[{"name": "Card 1", "qfmt": _QUIZ_FRONT, "afmt": _QUIZ_BACK}],
        css=_CSS, sort_field_index=QUIZ_FIELDS.index("Id"))
    concept = genanki.Model(
        stable_id("kb concept note type v1"), "kb · concept",
        fields=[{"name": name} for name in CONCEPT_FIELDS],
        templates=[{"name": "Card 1", "qfmt": _CONCEPT_FRONT, "afmt": _CONCEPT_BACK}],
        css=_CSS, sort_field_index=CONCEPT_FIELDS.index("Id"))
    return quiz, concept


def deck_name(lang: str, tag: str | None = None) -> str:
    _langs(lang)
    return DECK_NAMES[lang] + (f"::{tag}" if tag else "")


def build_deck(items: Sequence[tuple[str, SingleChoice | MultipleChoice | TrueFalse | Numeric | ShortAnswer]],
               concepts: Sequence[Concept], lang: str,
               tag: str | None = None, tags_of: Mapping[str, Sequence[str]] | None = None):
    """A genanki Deck: one note per quiz item (each item id once), then one per concept.
    ``tags_of`` maps a quiz or concept id to its entry tags (added as Anki tags)."""
    import genanki

    tags_of = tags_of or {}
    name = deck_name(lang, tag)
    deck = genanki.Deck(stable_id("kb deck " + name), name)
    quiz_model, concept_model = _models()
    seen: set[str] = set()
    for quiz_id, item in items:
        if item.id in seen:
            continue
        seen.add(item.id)
        fields = [
            _question(item, lang),
            _choices(item, lang),
            _answer(item, lang),
            _field(item.explanation, lang),
            html_text(", ".join(item.concepts)),
            html_text(item.id),
        ]
        tags = _tags(["quiz", quiz_id], tags_of.get(quiz_id, ()),
                     *(tags_of.get(c, ()) for c in item.concepts))
        deck.add_note(genanki.Note(model=quiz_model, fields=fields, guid=note_guid("quiz", item.id),
                                   tags=tags, sort_field=item.id))
    for concept in concepts:
        if concept.id in seen:  # ids are unique across kinds, but never add a guid twice
            continue
        seen.add(concept.id)
        formulas = "".join(
            f'<div class="formula">{html_text(f.expr)}</div>'
            + (f"<div><small>{_inline(f.name, lang)}</small></div>" if f.name else "")
            for f in concept.formulas)
        points = "".join(f"<li>{_inline(p, lang)}</li>" for p in concept.key_points)
        fields = [_field(concept.title, lang), _field(concept.summary, lang), formulas, points,
                  html_text(concept.id)]
        deck.add_note(genanki.Note(model=concept_model, fields=fields, guid=note_guid("concept", concept.id),
                                   tags=_tags(["concept"], concept.tags), sort_field=concept.id))
    return deck


def write_package(deck, path: Path) -> None:
    """Write the deck to ``path`` atomically (a partial file never replaces a good one)."""
    import genanki

    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent) or ".")
    os.close(fd)
    try:
        genanki.Package(deck).write_to_file(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def export_catalog(catalog, path: Path, *, lang: str = "en", tag: str | None = None,
                   concepts: bool = False) -> ExportResult:
    """Export ``catalog``'s quiz items (a tag's, if given) and, with ``concepts``, the
    concept summaries (a tag's) to an ``.apkg`` at ``path``."""
    from kb.quiz.session import select_items

    items = select_items(catalog, tag=tag)
    concept_entries: list[Concept] = []
    tags_of: dict[str, list[str]] = {}
    for summary in catalog.list(kind="quiz"):
        tags_of[summary.id] = list(summary.tags)
    for summary in catalog.list(kind="concept"):
        tags_of[summary.id] = list(summary.tags)
    if concepts:
        for summary in catalog.list(kind="concept", tag=tag):
            entry = catalog.get(summary.id)
            if isinstance(entry, Concept):
                concept_entries.append(entry)
    deck = build_deck(items, concept_entries, lang, tag, tags_of)
    write_package(deck, path)
    quiz_notes = len({item.id for _, item in items})
    return ExportResult(Path(path), deck.name, quiz_notes, len(concept_entries),
                        [note.guid for note in deck.notes])
