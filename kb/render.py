"""Entries as Markdown for the terminal (``kb show``, ``kb faq``) and the TUI detail view.

One function turns an entry into Markdown in the chosen language; both faces render it.
It takes a content model or the same entry as plain data (``Catalog.raw``, the stored
JSON document): ``kb show`` renders from the index without building models, so neither
this module nor that command imports pydantic.
"""

from __future__ import annotations

import re

from kb.app.labels import kind_name, step_verb
from kb.i18n import pick, tr
from kb.text import terminal_safe

STATUS_NAMES = {"active": ("active", "活跃"), "discontinued": ("discontinued", "已停止"),
                "superseded": ("superseded", "已被取代")}


def _get(obj, name: str, default=None):
    """A field of a model or of its plain-data form (where a None field is absent)."""
    if isinstance(obj, dict):
        value = obj.get(name, default)
    else:
        value = getattr(obj, name, default)
    return default if value is None else value


def entry_markdown(entry, lang: str, *, title: bool = True, step_titles: dict | None = None,
                   step_marks: dict | None = None) -> str:
    """The entry's learner-facing text as Markdown (without links and backlinks), free of
    terminal control sequences (content packs are user data). A path's steps show the
    titles in ``step_titles`` (id → Text) and the marks in ``step_marks`` (index → ✓ …)."""
    t = lambda en, zh: tr(lang, en, zh)  # noqa: E731
    g = _get
    kind = g(entry, "kind")
    out: list[str] = []
    if title:
        out.append(f"# {pick(g(entry, 'title'), lang)}\n")
    out.append(f"*{kind_name(kind, lang)}* — {pick(g(entry, 'summary'), lang)}\n")
    if kind == "faq":
        out.append(pick(g(entry, "answer"), lang) + "\n")
    if kind == "tool":
        status, year, successor = g(entry, "status"), g(entry, "status_year"), g(entry, "successor")
        shown = tr(lang, *STATUS_NAMES[status])
        line = t(f"**Status ({year}):** {shown}", f"**状态（{year} 年）：** {shown}")
        if successor:
            line += t(f" — successor: `{successor}`", f" —— 后继：`{successor}`")
        out.append(line + "\n")
        if g(entry, "status_note"):
            out.append(pick(g(entry, "status_note"), lang) + "\n")
        out.append(f"{t('Homepage', '主页')}: {g(entry, 'homepage')}\n")
    if g(entry, "body"):
        out.append(pick(g(entry, "body"), lang) + "\n")
    if kind == "concept":
        if g(entry, "formulas"):
            out.append(f"## {t('Formulas', '公式')}\n")
            for f in g(entry, "formulas"):
                name = pick(g(f, "name"), lang) + t(": ", "：") if g(f, "name") else ""
                note = f" — {pick(g(f, 'note'), lang)}" if g(f, "note") else ""
                out.append(f"- {name}`{g(f, 'expr')}`{note}")
            out.append("")
        if g(entry, "key_points"):
            out.append(f"## {t('Key points', '要点')}\n")
            out += [f"- {pick(k, lang)}" for k in g(entry, "key_points")] + [""]
        if g(entry, "when_to_use"):
            out.append(f"## {t('When to use', '何时使用')}\n\n{pick(g(entry, 'when_to_use'), lang)}\n")
        if g(entry, "common_mistakes"):
            out.append(f"## {t('Common mistakes', '常见错误')}\n")
            out += [f"- {pick(k, lang)}" for k in g(entry, "common_mistakes")] + [""]
    if kind == "application":
        out.append(f"**{t('Domain:', '领域：')}** {g(entry, 'domain')}\n")
        out.append(f"## {t('Tasks', '任务')}\n")
        out += [f"- {pick(k, lang)}" for k in g(entry, "tasks", [])] + [""]
    if kind == "exercise":
        ident = g(entry, "id")
        out.append(f"## {t('Implement', '需要实现')}\n")
        out += [f"- `{g(f, 'signature')}`" for f in g(entry, "functions", [])] + [""]
        out.append(t(f"Start with `kb exercise start {ident}`; check with `kb exercise check {ident}`.",
                     f"用 `kb exercise start {ident}` 开始，用 `kb exercise check {ident}` 检查。") + "\n")
    if kind == "quiz":
        items = g(entry, "items", [])
        out.append(t(f"{len(items)} questions.", f"共 {len(items)} 道题。") + "\n")
        out += [f"- {pick(g(i, 'question'), lang)}" for i in items] + [""]
    if kind == "path":
        out.append(f"## {t('Steps', '步骤')}\n")
        for i, step in enumerate(g(entry, "steps", []), 1):
            ref = g(step, "ref")
            note = f" — {pick(g(step, 'note'), lang)}" if g(step, "note") else ""
            named = (step_titles or {}).get(ref)
            what = f"{pick(named, lang)} (`{ref}`)" if named is not None else f"`{ref}`"
            mark = (step_marks or {}).get(i)
            out.append(f"{i}. {mark + ' ' if mark else ''}{step_verb(g(step, 'do'), lang)} {what}{note}")
        out.append("")
    return terminal_safe(unwrap("\n".join(out)))


_CJK_CHAR = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_BLOCK_START = re.compile(r"^\s*([-*+]\s|\d+[.)]\s|#|>|\||```|~~~)")


def unwrap(markdown: str) -> str:
    """Join the hard-wrapped lines of each paragraph. YAML block text is often wrapped
    at ~90 columns; a renderer would keep those breaks or turn them into spaces, and a
    space between two Chinese characters is wrong. Lists, headings, tables and code
    blocks keep their lines."""
    out: list[str] = []
    in_code = False
    for line in markdown.split("\n"):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_code = not in_code
            out.append(line)
            continue
        joinable = (not in_code and out and stripped and out[-1].strip()
                    and not _BLOCK_START.match(line) and not line.startswith(("    ", "\t"))
                    and not out[-1].strip().startswith(("```", "#", "|")) and not out[-1].endswith("  "))
        if joinable and not _BLOCK_START.match(out[-1]):
            prev = out[-1].rstrip()
            sep = "" if _CJK_CHAR.match(prev[-1:]) or _CJK_CHAR.match(stripped[:1]) else " "
            out[-1] = prev + sep + stripped
        elif joinable and _BLOCK_START.match(out[-1]) and line.startswith(" "):
            prev = out[-1].rstrip()  # a list item's wrapped continuation
            sep = "" if _CJK_CHAR.match(prev[-1:]) or _CJK_CHAR.match(stripped[:1]) else " "
            out[-1] = prev + sep + stripped
        else:
            out.append(line)
    return "\n".join(out)


def short_answer(markdown: str, *, points: int = 5) -> tuple[str, bool]:
    """An FAQ answer the way tldr answers: its first paragraph (which answers the
    question) and the first ``points`` items of its first list (the key points).
    Returns the short text and whether anything was left out."""
    paragraphs = [p.strip() for p in markdown.strip().split("\n\n") if p.strip()]
    if not paragraphs:
        return "", False
    short = [paragraphs[0]]
    bullets = next((p for p in paragraphs[1:] if p.lstrip().startswith(("- ", "* ", "1. "))), None)
    if bullets is not None:
        items = [line for line in bullets.splitlines() if line.lstrip().startswith(("- ", "* ")) or
                 line.lstrip()[:3].rstrip(".").isdigit()]
        short.append("\n".join(items[:points]))
    text = "\n\n".join(short)
    return text, len(text) < len("\n\n".join(paragraphs))
