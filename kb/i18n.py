"""Language choice and bilingual interface strings.

``--lang`` beats ``KB_LANG`` beats ``LANG`` (zh* → zh); the default is English.
"""

from __future__ import annotations

import os

LANGS = ("en", "zh")
FALLBACK_MARK = {"en": "[中文]", "zh": "[EN]"}  # shown beside text in the other language


def resolve_lang(flag: str | None = None) -> str:
    for value in (flag, os.environ.get("KB_LANG")):
        if value:
            value = value.lower()
            if value in LANGS:
                return value
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def pick(text, lang: str, *, mark: bool = True) -> str:
    """The text of a Text-like value (model or ``{en, zh}`` dict) in ``lang``; a
    fallback to the other language is marked visibly so a reader knows."""
    if text is None:
        return ""
    if isinstance(text, dict):
        own, other = text.get(lang), text.get("zh" if lang == "en" else "en")
    else:
        own, other = getattr(text, lang, None), getattr(text, "zh" if lang == "en" else "en", None)
    if own and own.strip():
        return own
    if not other:
        return ""
    return f"{FALLBACK_MARK[lang]} {other}" if mark else other


def tr(lang: str, en: str, zh: str) -> str:
    """An interface string in the chosen language."""
    return zh if lang == "zh" else en
