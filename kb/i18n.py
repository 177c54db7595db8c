"""Language choice and bilingual interface strings.

``--lang`` beats ``KB_LANG`` beats ``LANG`` (zh* → zh); the default is English.
"""

from __future__ import annotations

import os
from datetime import datetime

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


def pick(text: object, lang: str, *, mark: bool = True) -> str:
    """The text of a Text-like value (model or ``{en, zh}`` dict) in ``lang``; a
    fallback to the other language is marked visibly so a reader knows."""
    own: str | None
    other: str | None
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


def when(dt: datetime | None, now: datetime, lang: str) -> str:
    """When ``dt`` falls relative to ``now``: 'now', 'in 10 min', 'in 3 days' (or Chinese).
    Shared by the CLI and the TUI, so both faces say the same thing."""
    if dt is None:
        return tr(lang, "never", "无")
    delta = dt - now
    secs = delta.total_seconds()
    if secs < 30:
        return tr(lang, "now", "现在")
    mins = secs / 60
    if mins < 60:
        n = round(mins)
        return tr(lang, f"in {n} min", f"{n} 分钟后")
    hours = mins / 60
    if hours < 24:
        n = round(hours)
        return tr(lang, f"in {n} h", f"{n} 小时后")
    days = round(hours / 24)
    if days < 60:
        return tr(lang, f"in {days} day{'s' if days != 1 else ''}", f"{days} 天后")
    months = round(days / 30)
    return tr(lang, f"in {months} months", f"{months} 个月后")
