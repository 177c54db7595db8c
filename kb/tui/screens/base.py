"""What every kb screen shares: the language and the loaded services, followed live."""

from __future__ import annotations

import string
from functools import lru_cache
from typing import TYPE_CHECKING

from textual import getters
from textual.binding import ActiveBinding, Binding
from textual.dom import DOMNode
from textual.keys import format_key, key_to_character
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from kb.errors import explain
from kb.i18n import tr
from kb.tui.strings import localize_active

if TYPE_CHECKING:
    from kb.tui.app import KbApp


def types_a_character(key: str) -> bool:
    """A key that types a character when pressed on its own: ``a``, ``1``, ``slash``, ``[``."""
    if "+" in key:
        return False  # ctrl+…, alt+…: never typed text
    char = key_to_character(key)
    if char is not None:
        return len(char) == 1 and char.isprintable()
    return format_key(key) in string.punctuation  # "slash" is known to format_key only


@lru_cache(maxsize=None)
def character_actions(node_type: type) -> frozenset[str]:
    """The actions that ``node_type``'s BINDINGS put on character keys only (``/`` Search,
    ``w`` Workspace); an action also on a key such as ``alt+left`` is not one of them."""
    actions: set[str] = set()
    for cls in reversed(node_type.__mro__):
        for item in cls.__dict__.get("BINDINGS", ()):
            binding = item if isinstance(item, Binding) else Binding(*item)
            keys = [k.strip() for k in binding.key.split(",") if k.strip()]
            if keys and all(types_a_character(k) for k in keys):
                actions.add(binding.action.partition("(")[0])
    return frozenset(actions)


def typing_in(node: DOMNode) -> bool:
    """A text field (an Input, a TextArea, read-only or not) has the focus: a character key
    is text there, never a shortcut, even one the field does not take (a read-only editor)."""
    focused = node.app.focused
    return isinstance(focused, Input) or is_text_area(focused)


def is_text_area(widget: object) -> bool:
    """``widget`` is a Textual TextArea. Told by its classes rather than by importing
    TextArea here: only the screens that have one import it, and importing it with this
    module would put the editor's code (some 15 ms) before the app's first paint."""
    return any(c.__name__ == "TextArea" and c.__module__.startswith("textual.widgets")
               for c in type(widget).__mro__)


def shortcut_off(node: DOMNode, action: str) -> bool:
    """``action`` is on a character key of ``node`` and the learner is typing."""
    return action in character_actions(type(node)) and typing_in(node)


class KbScreen(Screen):
    """A screen that redraws its strings when the language changes (``on_lang``) and
    fills itself when the catalog is ready (``on_services``)."""

    if TYPE_CHECKING:  # kb's screens run in KbApp; Textual's own idiom for a typed ``app``
        app = getters.app(KbApp)

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._lang_changed, init=False)
        self.watch(self.app, "services", self._services_changed, init=False)
        self.on_lang(self.lang)
        if self.services is not None:
            self.on_services(self.services)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The footer and the keys panel read this: kb's keys described in the current language."""
        return localize_active(super().active_bindings, self.lang)

    @property
    def lang(self) -> str:
        return self.app.lang

    @property
    def services(self):
        return self.app.services

    def t(self, en: str, zh: str) -> str:
        return tr(self.app.lang, en, zh)

    def _lang_changed(self, lang: str) -> None:
        self.on_lang(lang)

    def _services_changed(self, services) -> None:
        if services is not None:
            self.on_services(services)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed says so (workers run with exit_on_error=False: an error
        in one lookup must not close the app)."""
        error = event.worker.error
        if event.state == WorkerState.ERROR and error is not None:
            self.notify(explain(error, self.app.lang), title=self.t("Something went wrong", "出错了"),
                        severity="error", timeout=8)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Single-character shortcuts are off (and not in the footer) while a text field has
        the focus. Screens that override this call it for the actions they do not decide."""
        if shortcut_off(self, action):
            return False
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()  # a text field came or went: the footer follows

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def on_lang(self, lang: str) -> None:
        """Redraw interface strings and content in ``lang``."""

    def on_services(self, services) -> None:
        """The catalog and store are open (or were reloaded)."""
