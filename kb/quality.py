"""Quality bars for the shipped knowledge base, enforced by ``kb validate --strict``."""

from __future__ import annotations

from kb.content import ContentSet
from kb.loader import Problem


def quality_problems(content: ContentSet) -> list[Problem]:
    return []
