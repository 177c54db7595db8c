"""Messages shared by several screens and widgets (a widget's own messages are nested
classes on that widget)."""

from __future__ import annotations

from textual.message import Message


class OpenEntry(Message):
    """Show an entry (in the detail screen, or its workspace for an exercise)."""

    def __init__(self, entry_id: str) -> None:
        super().__init__()
        self.entry_id = entry_id
