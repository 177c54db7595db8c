"""The key bar at the bottom of every screen: Textual's footer, rebuilt only when the keys
it shows changed."""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer


class KeyBar(Footer):
    """Textual's ``Footer`` rebuilds its keys on every "bindings changed" signal, and a
    screen sends several in a row as it opens (the focus arriving, the language, the
    data): the home screen rebuilt the same keys four times right after its first frame
    (~7 ms each, measured). This one rebuilds when what it would show differs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple[Any, ...] | None = None

    def _keys(self) -> tuple[Any, ...]:
        """What the footer's keys are drawn from: the bindings it shows, and the command
        palette's (hidden bindings, such as a focused list's arrows, come and go unseen)."""
        app = self.app
        palette = app.COMMAND_PALETTE_BINDING
        return (self.show_command_palette, self.combine_groups, tuple(
            (key, binding.key, app.get_key_display(binding), binding.description, binding.action, binding.group,
             binding.tooltip, enabled, tooltip)
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette))

    async def recompose(self) -> None:
        keys = self._keys()
        if keys == self._shown:
            return
        self._shown = keys
        await super().recompose()
