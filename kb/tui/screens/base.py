"""What every kb screen shares: the language and the loaded services, followed live."""

from __future__ import annotations

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from kb.i18n import tr
from kb.tui.strings import localize_bindings


class KbScreen(Screen):
    """A screen that redraws its strings when the language changes (``on_lang``) and
    fills itself when the catalog is ready (``on_services``)."""

    def on_mount(self) -> None:
        localize_bindings(self, self.lang)
        for node in self.query("*"):
            localize_bindings(node, self.lang)
        self.watch(self.app, "lang", self._lang_changed, init=False)
        self.watch(self.app, "services", self._services_changed, init=False)
        self.on_lang(self.lang)
        if self.services is not None:
            self.on_services(self.services)

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
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"{type(error).__name__}: {error}", title=self.t("Something went wrong", "出错了"),
                        severity="error", timeout=8)

    def on_lang(self, lang: str) -> None:
        """Redraw interface strings and content in ``lang``."""

    def on_services(self, services) -> None:
        """The catalog and store are open (or were reloaded)."""
