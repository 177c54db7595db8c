"""Loading whole content roots straight from the files (what ``kb validate`` checks).

The index (``kb.index``) loads the same files incrementally; both use the loader for one
file and ``kb.links`` for the checks across files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kb.index.current import display_path  # noqa: F401  (problems name files this way)
from kb.links import Link, Record, cross_check, item_records, links_of, missing_translations
from kb.loader import TAGS_FILE, Loaded, Problem, TagLabel, content_files, load_file, load_tags, mark_for
from kb.schema import Entry


def check_loaded(loaded: Loaded, rel: str, order: int) -> tuple[list[Problem], list[Record], list[tuple[str, Link]]]:
    """Per-file extras once a file has loaded: translations, its records and links."""
    entry = loaded.entry
    if entry is None:
        return list(loaded.problems), [], []
    problems = list(loaded.problems) + missing_translations(entry, loaded.marks, rel)
    line, col = mark_for(("id",), loaded.marks)
    records = [Record(entry.id, entry.kind, rel, line, col, order)]
    records += item_records(entry, loaded.marks, rel, order)
    links = [(rel, link) for link in links_of(entry, loaded.marks)]
    return problems, records, links


@dataclass
class ContentSet:
    entries: dict[str, Entry] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # id → display path
    marks: dict[str, dict] = field(default_factory=dict)  # id → field path → (line, col)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    tags: dict[str, TagLabel] = field(default_factory=dict)  # slug → label (the first root's wins)

    def problem(self, ident: str, loc: tuple, fld: str, message: str) -> Problem:
        """A problem located at a field of an entry (its parent node if absent)."""
        line, col = mark_for(loc, self.marks.get(ident, {}))
        return Problem(self.sources.get(ident, ident), line, col, fld, message)


def load_roots(roots: list[Path]) -> ContentSet:
    """Every file under every root; one bad file never stops the others."""
    out = ContentSet()
    records: list[Record] = []
    links: list[tuple[str, Link]] = []
    order = 0
    for root in roots:
        if not root.is_dir():
            out.problems.append(Problem(display_path(root), 1, 1, "", "content directory does not exist or is not a directory"))
            continue
        for path in content_files(root):
            order += 1
            rel = display_path(path)
            out.files += 1
            loaded = load_file(path, rel)
            problems, recs, lks = check_loaded(loaded, rel, order)
            out.problems += problems
            records += recs
            links += lks
            entry = loaded.entry
            if entry is not None and entry.id not in out.entries:
                out.entries[entry.id] = entry
                out.sources[entry.id] = rel
                out.marks[entry.id] = loaded.marks
        if (root / TAGS_FILE).is_file():
            labels, problems = load_tags(root / TAGS_FILE, display_path(root / TAGS_FILE))
            out.problems += problems
            for tag in labels:
                first = out.tags.setdefault(tag.slug, tag)
                if first is not tag and first.label != tag.label:
                    out.problems.append(Problem(tag.path, tag.line, tag.col, tag.slug,
                                                f"tag already labelled at {first.path}:{first.line}, "
                                                "which is the label shown", "warning"))
    out.problems += cross_check(records, links)
    out.problems.sort(key=lambda p: (p.path, p.line, p.col))
    return out
