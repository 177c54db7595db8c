"""Command palette (ctrl+p): jump to any entry by its title in either language."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.content import Content
from textual.command import DiscoveryHit, Hit, Hits, Provider

from kb.i18n import tr

if TYPE_CHECKING:
    from kb.tui.app import KbApp


class EntryCommands(Provider):
    """Every entry of the loaded content, matched on its English and Chinese titles
    (and its id)."""

    @property
    def kb_app(self) -> KbApp:
        from kb.tui.app import KbApp

        app = self.app
        assert isinstance(app, KbApp)  # this provider is registered by KbApp only
        return app

    async def search(self, query: str) -> Hits:
        app = self.kb_app
        services = getattr(app, "services", None)
        if services is None:
            return
        matcher = self.matcher(query)
        lang = app.lang
        from kb.tui.strings import kind_label

        for s in services.summaries:
            best, shown = 0.0, None
            for text in (s.title.en if lang == "en" else s.title.zh,
                         s.title.zh if lang == "en" else s.title.en, s.id):
                if not text:
                    continue
                score = matcher.match(text)
                if score > best:
                    best, shown = score, text
            if best > 0 and shown is not None:
                display = matcher.highlight(shown)
                other = s.title.zh if shown == s.title.en else s.title.en
                label = Content.assemble(display, ("  " + kind_label(s.kind, lang), "dim"))
                if other and other != shown:
                    label = Content.assemble(label, (f"  {other}", "dim italic"))
                yield Hit(best, label, partial(self.open, s.id, s.kind), text=shown,
                          help=tr(lang, f"Open {s.id}", f"打开 {s.id}"))

    async def discover(self) -> Hits:
        app = self.kb_app
        services = getattr(app, "services", None)
        if services is None:
            return
        from kb.tui.strings import kind_label

        for s in services.summaries:
            if s.kind in ("path", "exercise"):
                title = (s.title.zh if app.lang == "zh" else s.title.en) or s.title.en or s.title.zh or s.id
                yield DiscoveryHit(Content.assemble(title, ("  " + kind_label(s.kind, app.lang), "dim")),
                                   partial(self.open, s.id, s.kind), text=title)

    def open(self, entry_id: str, kind: str) -> None:
        if kind == "exercise":
            self.kb_app.open_workspace(entry_id)
        else:
            self.kb_app.open_entry(entry_id)
