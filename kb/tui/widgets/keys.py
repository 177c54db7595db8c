"""The keys panel (F1): kb's own keys first, in the chosen language, then the keys of the
focused widget that Textual provides (scrolling, copying), translated where kb knows them.

It replaces Textual's help panel, which lists the focused widget's generic keys first and in
English only. Like that panel it shows the keys that act here (``Screen.active_bindings``) and
follows the screen's ``bindings_updated_signal``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from kb.i18n import tr
from kb.tui.strings import BINDING_LABELS, binding_label, generic_key_label

if TYPE_CHECKING:
    from kb.tui.app import KbApp


def keys_table(screen: Screen, lang: str) -> Table:
    """The keys that act on ``screen`` now: kb's (bindings whose id kb labels) first, then
    the others, each action once with all its keys."""
    ours: dict[str, list[Binding]] = defaultdict(list)
    others: dict[str, list[Binding]] = defaultdict(list)
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system or not active.enabled:
            continue
        group = ours if binding.id in BINDING_LABELS else others
        group[f"{id(active.node)}:{binding.action}"].append(binding)

    app = screen.app
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="bold")
    table.add_column()

    def section(title: str, groups: dict[str, list[Binding]], label) -> None:
        if not groups:
            return
        if table.row_count:
            table.add_row("", "")
        table.add_row("", Text(title, style="underline"))
        for bindings in groups.values():
            keys = " ".join(dict.fromkeys(app.get_key_display(b) for b in bindings))
            table.add_row(Text(keys), Text(label(bindings[0])))

    section(tr(lang, "kb", "kb 的按键"), ours, lambda b: binding_label(b.id, lang, b.description))
    section(tr(lang, "Other keys", "其他按键"), others,
            lambda b: generic_key_label(b.description or b.action, lang))
    return table


class KeysPanel(VerticalScroll, can_focus=False):
    """Docked at the right of the screen, like Textual's help panel."""

    DEFAULT_CSS = """
    KeysPanel {
        split: right;
        width: 33%;
        min-width: 30;
        max-width: 60;
        height: 1fr;
        border-left: vkey $foreground 30%;
        padding: 0 1;
    }
    KeysPanel #keys-table {
        width: 1fr;
        height: auto;
    }
    """

    if TYPE_CHECKING:  # shown by KbApp; Textual's own idiom for a typed ``app``
        app = getters.app(KbApp)

    def compose(self) -> ComposeResult:
        yield Static(id="keys-table")

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.watch(self.app, "lang", lambda _lang: self.redraw(), init=False)
        self.redraw()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen) -> None:
        self.call_after_refresh(self.redraw)

    def redraw(self) -> None:
        if self.is_attached:
            self.query_one("#keys-table", Static).update(keys_table(self.screen, self.app.lang))
