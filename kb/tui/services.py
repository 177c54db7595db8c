"""The core objects the screens call, opened in a thread worker (they import
SQLAlchemy, pydantic and the index, which the first paint does without).

Nothing here decides anything the CLI does not: it opens the same catalog and progress
store that ``kb`` commands open, and keeps a few lists the screens ask for often.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable


@dataclass
class Services:
    catalog: Any  # kb.catalog.Catalog
    store: Any | None  # kb.progress.ProgressStore, None when it could not be opened
    store_error: str | None
    summaries: list = field(default_factory=list)  # kb.catalog.Summary of every entry
    problems: list = field(default_factory=list)  # kb.loader.Problem from loading
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list:
        return [p for p in self.problems if p.severity != "error"]

    def summary(self, entry_id: str):
        return next((s for s in self.summaries if s.id == entry_id), None)

    def reload_lists(self) -> None:
        self.summaries = self.catalog.list()
        self.problems = self.catalog.problems()
        self.counts = self.catalog.counts()


def open_catalog(roots: list[Path] | None, extra: list[str]):
    """The catalog over the shipped content plus ``extra`` packs (as ``kb --content``),
    or over exactly ``roots`` (tests and demos use a fixed pack)."""
    from kb.catalog import Catalog

    if roots is None:
        return Catalog.open(extra)
    from kb.index.build import index_path
    from kb.paths import cache_dir

    resolved = [Path(r).resolve() for r in roots]
    catalog = Catalog(resolved, index_path(resolved, cache_dir()))
    catalog.refresh()
    return catalog


def open_services(roots: list[Path] | None, extra: list[str], *, store_url: str | None = None,
                  clock: Callable[[], datetime] | None = None, learner: str | None = None) -> Services:
    catalog = open_catalog(roots, extra)
    store = None
    store_error = None
    try:
        from kb.progress import open_store

        store = open_store(store_url, clock=clock, learner=learner)  # learner None: --user / KB_USER
    except Exception as exc:  # ProgressStoreError carries its own way forward
        store_error = str(exc)
    services = Services(catalog, store, store_error)
    services.reload_lists()
    return services
