"""The composition root: the catalog and the progress store every face works on.

``kb`` commands and the app open them here, so both read the same content roots and the
same learner's store. Importing this module is cheap (the types below are for the type
checker only): the CLI's lookups and the TUI's first paint import it before anything heavy,
and the TUI calls :func:`open_services` in a thread worker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from kb.catalog import Catalog, Summary
    from kb.problems import Problem
    from kb.progress import ProgressStore


@dataclass
class Services:
    """An open catalog and progress store, and the lists the faces ask for often."""

    catalog: Catalog
    store: ProgressStore | None  # None when it could not be opened (store_error says why)
    store_error: str | None = None
    summaries: list[Summary] = field(default_factory=list)  # every entry
    problems: list[Problem] = field(default_factory=list)  # from loading the content
    counts: dict[str, int] = field(default_factory=dict)  # entries per kind

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    def summary(self, entry_id: str) -> Summary | None:
        return next((s for s in self.summaries if s.id == entry_id), None)

    def reload_lists(self) -> None:
        self.summaries = self.catalog.list()
        self.problems = self.catalog.problems()
        self.counts = self.catalog.counts()

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
        self.catalog.close()


def open_catalog(roots: Sequence[Path | str] | None, extra: Sequence[str] = (), *,
                 rebuild: bool = False, verify: bool = False) -> Catalog:
    """The catalog over the shipped content plus the ``extra`` packs (``kb --content``), or
    over exactly ``roots`` (tests and demos use a fixed pack). A current index is only
    stat-checked: opening it imports neither SQLAlchemy nor pydantic."""
    from kb.catalog import Catalog

    if roots is None:
        return Catalog.open(list(extra), rebuild=rebuild, verify=verify)
    from kb.index.current import index_path, remove_index
    from kb.paths import cache_dir

    resolved = [Path(r).resolve() for r in roots]
    path = index_path(resolved, cache_dir())
    if rebuild:
        remove_index(path)
    catalog = Catalog(resolved, path)
    catalog.refresh()
    return catalog


def open_store(url: str | None = None, *, clock: Callable[[], datetime] | None = None,
               learner: str | None = None) -> ProgressStore:
    """The learner's progress store (``KB_DATABASE_URL`` or the SQLite file; ``learner``
    None: ``--user`` / ``KB_USER``). Raises ``ProgressStoreError``, which carries its own
    way forward in both languages."""
    from kb.progress import open_store as open_progress_store

    return open_progress_store(url, clock=clock, learner=learner)


def open_services(roots: Sequence[Path | str] | None, extra: Sequence[str] = (), *,
                  store_url: str | None = None, clock: Callable[[], datetime] | None = None,
                  learner: str | None = None) -> Services:
    """The catalog and the store together. A store that cannot be opened does not stop
    the content from being shown: ``store`` is None and ``store_error`` says why."""
    catalog = open_catalog(roots, extra)
    store = None
    store_error = None
    try:
        store = open_store(store_url, clock=clock, learner=learner)
    except Exception as exc:  # ProgressStoreError, or a driver's own error: shown, not raised
        store_error = str(exc)
    services = Services(catalog, store, store_error)
    services.reload_lists()
    return services
