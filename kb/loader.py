"""Safe loading of one content file: bytes → YAML nodes → validated model.

Nothing in a content file ever executes and no file can hang or exhaust the loader:
files over 1 MiB, non-UTF-8 bytes, anchors and aliases, and any tag the safe
constructor does not know are refused. Every problem carries the file, the line and
column of the offending YAML node, and the field's dotted path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from kb.problems import Problem
from kb.schema import KINDS, FOLDERS, SLUG_RE, Entry, Text

try:  # the C loader is several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader

MAX_BYTES = 1 << 20
MAX_DEPTH = 64  # nesting levels; the deepest real content needs about ten

Mark = tuple[int, int]  # 1-based line, column


@dataclass
class Loaded:
    """The outcome of loading one file: an entry, or the problems that stopped it."""

    path: Path
    entry: Entry | None
    problems: list[Problem]
    marks: dict[tuple, Mark] = field(default_factory=dict)  # field path → node mark
    sha256: str = ""


def _mark(node_mark: Any) -> Mark:
    return (node_mark.line + 1, node_mark.column + 1)


_STR_TAG = "tag:yaml.org,2002:str"


def _index_marks(node: yaml.Node, data: Any, prefix: tuple, marks: dict[tuple, Mark],
                 problems: list[Problem], rel: str) -> None:
    """Record where each value (and each mapping key, under ``prefix + (key, "<key>")``)
    starts, by walking the node tree beside the constructed data. Keys that are not
    text and keys given twice (YAML would silently keep the last value) are problems."""
    marks[prefix] = _mark(node.start_mark)
    if len(prefix) > MAX_DEPTH:  # small files skip the event scan; catch them here
        problems.append(Problem(rel, *marks[prefix], "", _TOO_DEEP))
        return
    if isinstance(node, yaml.MappingNode) and isinstance(data, dict):
        seen: dict[str, Mark] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            where = _mark(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR_TAG:
                shown = key if isinstance(key, str) else "..."
                problems.append(Problem(rel, *where, _dotted(prefix),
                                        f"key {shown!r} is not text; quote it or remove it"))
                continue
            if key in seen:
                problems.append(Problem(rel, *where, _dotted(prefix + (key,)),
                                        f"duplicate key (first at line {seen[key][0]}); "
                                        "YAML would silently keep only the last value"))
                continue
            seen[key] = where
            marks[prefix + (key, "<key>")] = where
            _index_marks(value_node, data[key], prefix + (key,), marks, problems, rel)
    elif isinstance(node, yaml.SequenceNode) and isinstance(data, list):
        for i, (child, value) in enumerate(zip(node.value, data)):
            _index_marks(child, value, prefix + (i,), marks, problems, rel)


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _locate(loc: tuple, data: Any) -> tuple:
    """Keep the parts of a pydantic error location that exist in the data (dropping
    union tags and validator names), so it can be looked up among the marks."""
    path: list = []
    current = data
    for n, part in enumerate(loc):
        if isinstance(current, dict) and part in current:
            current = current[part]
            path.append(part)
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
            path.append(part)
        elif isinstance(current, dict) and isinstance(part, str) and (
                part in (current.get("type"), current.get("kind"))
                or (n < len(loc) - 1 and (part[:1].isupper() or "[" in part))):
            continue  # a union's tag (``single`` in items.0.single.answer), not a field
        elif isinstance(current, dict) and isinstance(part, str):
            # A missing field or a forbidden extra one: keep the name for the message.
            path.append(part)
            break
    return tuple(path)


def mark_for(path: tuple, marks: dict[tuple, Mark], *, key: bool = False) -> Mark:
    """The mark of the value at ``path`` (of its key with ``key=True``), else of the
    nearest enclosing node that exists (a missing field points at its parent)."""
    if key and path + ("<key>",) in marks:
        return marks[path + ("<key>",)]
    while path:
        if path in marks:
            return marks[path]
        path = path[:-1]
    return marks.get((), (1, 1))


def _message(err: ErrorDetails) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field (check its spelling; see `kb schema`)"
    if kind in ("missing", "union_tag_not_found"):
        return "required field is missing"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        return f"unknown value {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
    if kind == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == SLUG_RE:
        return "not a slug (lowercase letters, digits and single hyphens, e.g. 'self-attention')"
    msg = err.get("msg", "invalid")
    return msg.removeprefix("Value error, ")


_TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep; content never needs that"
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _needs_scan(text: str) -> bool:
    """Whether a file could hold an anchor or nest deeply enough to hurt libyaml, whose
    composer recurses in C (a crash, not an exception, at some ten thousand levels) and
    whose scanner is quadratic in the depth of flow collections. Small files with few
    brackets nest at most a few hundred levels and are checked after composing."""
    return ("&" in text or len(text) > 8192 or text.count("[") + text.count("{") > 32
            or _COMPACT.search(text) is not None)


# Block collections nested on one line ("- - - x", "? ? x"): without them a level of
# block nesting costs a new line with deeper indentation, so 8 KiB cannot go deep.
_COMPACT = re.compile(r"[-?:][ \t]+[-?](?:[ \t]|$)", re.MULTILINE)


def _scan_events(text: str, rel: str) -> Problem | None:
    """Anchors and aliases are refused outright: they are what a "billion laughs"
    file is built from, and content never needs them. Nesting is capped. Only parser
    events are read, so nothing is expanded or composed, and the scan stops at the
    first offence."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                return Problem(rel, *_mark(event.start_mark), "", _TOO_DEEP)
        elif isinstance(event, _CLOSE):
            depth -= 1
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            line, col = _mark(event.start_mark)
            what = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            return Problem(rel, line, col, "", f"YAML {what} '&{anchor}' is not allowed in content")
    return None


def parse_yaml(raw: bytes, rel: str) -> tuple[Any, dict[tuple, Mark], list[Problem]]:
    """Bytes → (data, marks, problems). Never raises for bad input."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, {}, [Problem(rel, line, col, "", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})")]
    try:
        refused = _scan_events(text, rel) if _needs_scan(text) else None
        if refused:
            return None, {}, [refused]
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, {}, [Problem(rel, 1, 1, "", "the file is empty")]
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _mark(mark) if mark else (1, 1)
        problem = exc.problem or str(exc)
        if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
            tag = re.search(r"'([^']*)'", problem)
            problem = f"unknown or unsafe tag {tag.group(1) if tag else ''!r}; content may not use tags"
        elif "alias" in problem:
            problem = f"YAML alias is not allowed in content ({problem})"
        elif "maximum nesting depth" in problem:
            # Newer libyaml builds cap nesting themselves, in the scanner, which can run
            # ahead of the event scan's own cap: the same refusal either way.
            problem = _TOO_DEEP
        if problem.startswith(("unknown or unsafe", "YAML alias", _TOO_DEEP)):
            return None, {}, [Problem(rel, line, col, "", problem)]
        if exc.context:  # "while scanning a quoted scalar" names where the trouble began
            where = exc.context_mark
            started = f" at {_mark(where)[0]}:{_mark(where)[1]}" if where and where is not mark else ""
            problem = f"{exc.context}{started}, {problem}"
        return None, {}, [Problem(rel, line, col, "", "YAML syntax error: " + problem)]
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        return None, {}, [Problem(rel, 1, 1, "", f"YAML error: {exc}")]
    marks: dict[tuple, Mark] = {}
    problems: list[Problem] = []
    _index_marks(node, data, (), marks, problems, rel)
    if problems:
        return None, {}, problems
    return data, marks, []


def validate(data: Any, marks: dict[tuple, Mark], rel: str, expected_kind: str | None) -> tuple[Entry | None, list[Problem]]:
    if not isinstance(data, dict):
        return None, [Problem(rel, 1, 1, "", f"the top level must be a mapping of fields, not {type(data).__name__}")]
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        line, col = mark_for(("kind",), marks)
        what = "missing" if kind is None else f"unknown kind {kind!r}"
        return None, [Problem(rel, line, col, "kind", f"{what}; expected one of {sorted(KINDS)}")]
    problems: list[Problem] = []
    if expected_kind and kind != expected_kind:
        line, col = mark_for(("kind",), marks)
        problems.append(Problem(rel, line, col, "kind",
                                f"a {kind!r} entry in the folder for {expected_kind!r} entries"))
    try:
        entry = KINDS[kind].model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            path = _locate(tuple(err["loc"]), data)
            if err.get("type") in ("union_tag_invalid", "union_tag_not_found"):
                path += (err.get("ctx", {}).get("discriminator", "").strip("'"),)  # point at `type:`
            line, col = mark_for(path, marks, key=err.get("type") == "extra_forbidden")
            problems.append(Problem(rel, line, col, _dotted(path), _message(err)))
        return None, sorted(set(problems))
    return entry, problems


def load_file(path: Path, rel: str | None = None, *, raw: bytes | None = None) -> Loaded:
    """Load and validate one content file. ``rel`` is the name problems use. For an
    exercise folder's ``exercise.yaml``, the starter and solution come from the .py
    files beside it (see :func:`exercise_folder`)."""
    rel = rel or str(path)
    folder = exercise_folder(path)
    if raw is None:
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                return Loaded(path, None, [Problem(rel, 1, 1, "", f"file is {size} bytes; the limit is {MAX_BYTES} (1 MiB)")])
            raw = path.read_bytes()
        except FileNotFoundError:
            if folder is not None:  # a folder in exercises/ that is not (yet) an exercise
                return Loaded(path, None, [Problem(rel, 1, 1, "", f"an exercise folder needs {EXERCISE_FILE} "
                                                   f"(beside {', '.join(f + '.py' for f in CODE_FIELDS)} and mutants/)")])
            return Loaded(path, None, [Problem(rel, 1, 1, "", "cannot read file: No such file or directory")])
        except OSError as exc:
            return Loaded(path, None, [Problem(rel, 1, 1, "", f"cannot read file: {exc.strerror or exc}")])
    digest = source_digest(path, raw)
    if len(raw) > MAX_BYTES:
        return Loaded(path, None, [Problem(rel, 1, 1, "", f"file is {len(raw)} bytes; the limit is {MAX_BYTES} (1 MiB)")], sha256=digest)
    data, marks, problems = parse_yaml(raw, rel)
    if problems:
        return Loaded(path, None, problems, sha256=digest)
    part_problems: list[Problem] = []
    missing: set[str] = set()
    if folder is not None:
        part_problems, missing = _fill_code(folder, data, marks, rel)
    expected = _expected_kind(path)
    entry, problems = validate(data, marks, rel, expected)
    # A missing .py file already has its problem; do not repeat it as a missing field.
    problems = [p for p in problems if p.field not in missing]
    if folder is not None:
        problems = [_relocate(p, rel) for p in problems]
    problems = sorted(set(part_problems)) + problems
    if missing:  # the code did not come from its file: no entry (a bad mutant does not block one)
        entry = None
    if entry is not None:
        name = folder.name if folder is not None else path.stem
        if name != entry.id:
            line, col = mark_for(("id",), marks)
            what = "folder" if folder is not None else "file"
            problems.append(Problem(rel, line, col, "id", f"{what} name '{name}' does not match id '{entry.id}'", "warning"))
    return Loaded(path, entry, problems, marks, digest)


# --- exercise folders ------------------------------------------------------------------------
#
# An exercise is a folder, ``exercises/<id>/``: ``exercise.yaml`` (everything but the code),
# ``starter.py``, ``solution.py`` and ``mutants/*.py`` (wrong solutions its checks must
# reject). The loader reads the two .py files into the ``starter`` and ``solution`` fields
# before validation, so the content model is the same as for a single-file exercise
# (``exercises/<id>.yaml`` with both inline), which content packs may still use.

# The file listing lives with the index's freshness check, which must not import pydantic.
from kb.index.current import CODE_FIELDS, EXERCISE_FILE, MUTANTS_DIR  # noqa: E402
from kb.index.current import exercise_folder, mutant_files, source_digest  # noqa: E402,F401
from kb.index.current import FolderEntry as _FolderEntry  # noqa: E402,F401
from kb.index.current import content_entries  # noqa: E402,F401

MIN_MUTANTS = 3


def _code_rel(rel: str, name: str) -> str:
    """The display name of a file beside ``exercise.yaml``, in the form ``rel`` uses."""
    return str(Path(rel).parent / name)


def _read_text(path: Path, rel: str, fld: str) -> tuple[str | None, Problem | None]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, Problem(rel, 1, 1, fld, f"file is {size} bytes; the limit is {MAX_BYTES} (1 MiB)")
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, Problem(rel, 1, 1, fld, f"missing file: an exercise folder needs {path.name}")
    except OSError as exc:
        return None, Problem(rel, 1, 1, fld, f"cannot read file: {exc.strerror or exc}")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, Problem(rel, line, col, fld, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})")


def _fill_code(folder: Path, data: Any, marks: dict[tuple, Mark], rel: str) -> tuple[list[Problem], set[str]]:
    """Put starter.py and solution.py into ``data``; the problems, and the fields whose
    file could not be read. Also counts the mutants (a warning below MIN_MUTANTS)."""
    problems: list[Problem] = []
    missing: set[str] = set()
    if not isinstance(data, dict):
        return problems, missing
    for fld in CODE_FIELDS:
        if fld in data:  # one place for the code: two would drift apart
            line, col = mark_for((fld,), marks, key=True)
            problems.append(Problem(rel, line, col, fld, f"in an exercise folder the {fld} lives in {fld}.py; "
                                    "remove it from exercise.yaml"))
            missing.add(fld)
            continue
        text, problem = _read_text(folder / f"{fld}.py", _code_rel(rel, f"{fld}.py"), fld)
        if problem is not None:
            problems.append(problem)
            missing.add(fld)
        else:
            data[fld] = text
    mutants = mutant_files(folder)
    for m in mutants:
        _, problem = _read_text(m, _code_rel(rel, f"{MUTANTS_DIR}/{m.name}"), MUTANTS_DIR)
        if problem is not None:
            problems.append(problem)
    if len(mutants) < MIN_MUTANTS:
        problems.append(Problem(_code_rel(rel, MUTANTS_DIR), 1, 1, MUTANTS_DIR,
                                f"{len(mutants)} mutant(s); an exercise ships at least {MIN_MUTANTS} "
                                "plausible wrong solutions (mutants/*.py) that its checks reject", "warning"))
    return problems, missing


_CODE_PROBLEM = re.compile(r"^(starter|solution) (?:does not parse: line (\d+): )?")


def _relocate(problem: Problem, rel: str) -> Problem:
    """Point a problem with the starter's or solution's code at its .py file."""
    m = _CODE_PROBLEM.match(problem.message)
    if problem.field or not m:
        return problem
    line = int(m.group(2)) if m.group(2) else 1
    return Problem(_code_rel(rel, f"{m.group(1)}.py"), line, 1, m.group(1), problem.message, problem.severity)


def _expected_kind(path: Path) -> str | None:
    folder = path.parent.parent.name if exercise_folder(path) is not None else path.parent.name
    for kind, name in FOLDERS.items():
        if name == folder:
            return kind
    return None


def content_files(root: Path) -> list[Path]:
    return [Path(e.path) for e in content_entries(root)]


# --- the tag registry ------------------------------------------------------------------------
#
# ``<root>/tags.yaml`` maps each tag slug to its label, ``{en, zh}``: entries carry slugs,
# learners read labels. Each root (the shipped content, every pack) may bring one.

from kb.index.current import TAGS_FILE  # noqa: E402,F401  (the light reader shares the name)


@dataclass(frozen=True)
class TagLabel:
    slug: str
    label: Text
    path: str  # where it is defined, as problems name it
    line: int
    col: int


def load_tags(path: Path, rel: str | None = None) -> tuple[list[TagLabel], list[Problem]]:
    """The labels of one tags file, and its problems (one bad label never stops the others)."""
    rel = rel or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return [], [Problem(rel, 1, 1, "", f"file is {size} bytes; the limit is {MAX_BYTES} (1 MiB)")]
        raw = path.read_bytes()
    except OSError as exc:
        return [], [Problem(rel, 1, 1, "", f"cannot read file: {exc.strerror or exc}")]
    data, marks, problems = parse_yaml(raw, rel)
    if problems:
        return [], problems
    if not isinstance(data, dict):
        return [], [Problem(rel, 1, 1, "", "the top level must map each tag to its label, "
                            "e.g. 'self-attention: {en: Self-attention, zh: 自注意力}'")]
    out: list[TagLabel] = []
    for slug, value in data.items():
        line, col = mark_for((slug,), marks, key=True)
        if not re.fullmatch(SLUG_RE.strip("^$"), slug):
            problems.append(Problem(rel, line, col, slug, "not a slug (lowercase letters, digits and single "
                                                          "hyphens, e.g. 'self-attention')"))
            continue
        try:
            label = Text.model_validate(value)
        except ValidationError as exc:
            for err in exc.errors():
                where = (slug,) + _locate(tuple(err["loc"]), value if isinstance(value, dict) else {})
                problems.append(Problem(rel, *mark_for(where, marks, key=err.get("type") == "extra_forbidden"),
                                        _dotted(where), _message(err)))
            continue
        out.append(TagLabel(slug, label, rel, line, col))
    return out, sorted(set(problems))
