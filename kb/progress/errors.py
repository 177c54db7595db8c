"""The one exception the progress store raises for problems a user can act on."""

from __future__ import annotations


class ProgressStoreError(Exception):
    """The progress store cannot be used as it is: corrupt, written by a newer kb,
    locked by another process for too long, or not reachable. The message says what
    happened and what to do; the file itself is left exactly as it was.

    ``str(err)`` is English; ``err.message("zh")`` is Chinese when one was given."""

    def __init__(self, message: str, zh: str | None = None):
        super().__init__(message)
        self.zh = zh

    def message(self, lang: str) -> str:
        if lang == "zh" and self.zh:
            return self.zh
        return str(self)
