"""The layers, read from the source: every module's imports and attribute uses, parsed with
``ast`` (so a lazy import inside a function counts as much as one at the top).

- the faces never import each other (kb.tui never imports kb.cli);
- the progress store never imports quizzes (scheduling lives under kb.progress);
- nothing in kb outside kb.tui imports Textual; the engine never imports kb;
- no module uses another module's private (``_name``) names;
- nobody, tests included, reaches into Textual's private modules or attributes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kb", "engine")
# Textual's private attributes that public API replaces: the bindings map (Screen.active_bindings,
# refresh_bindings), the compositor and the screen stack behind it (App.export_screenshot).
TEXTUAL_PRIVATE_ATTRS = frozenset({"_bindings", "_compositor", "_background_screens", "_merged_bindings"})


@dataclass(frozen=True)
class Use:
    """One import (``name`` is None for ``import module``) or attribute use of a module."""

    line: int
    module: str
    name: str | None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(*tops: str) -> list[Path]:
    return sorted(p for top in tops for p in (ROOT / top).rglob("*.py") if "__snapshots__" not in p.parts)


def resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute module a ``from ... import`` names (relative imports resolved)."""
    if level == 0:
        return target or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def uses(path: Path, source: str | None = None) -> Iterator[Use]:
    """Every module ``path`` imports, every name it imports from one, and every attribute it
    reads from a name bound to an imported module (``kb.loader._x``, ``loader._x``)."""
    module = module_name(path)
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"), filename=str(path))
    bound: dict[str, str] = {}  # local name -> module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Use(node.lineno, alias.name, None)
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    bound[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            base = resolve(module, path.name == "__init__.py", node.level, node.module)
            for alias in node.names:
                yield Use(node.lineno, base, alias.name)
                bound[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if node.attr in TEXTUAL_PRIVATE_ATTRS:  # on whatever object: app.screen._compositor
                yield Use(node.lineno, "<expression>", node.attr)
                continue
            dotted = dotted_name(node.value)
            if dotted is None:
                continue
            head, _, rest = dotted.partition(".")
            if head in bound:
                yield Use(node.lineno, ".".join(filter(None, [bound[head], rest])), node.attr)


def dotted_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted_name(node.value)
        return None if inner is None else f"{inner}.{node.attr}"
    return None


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def violations(path: Path, source: str | None = None) -> list[str]:
    """What ``path`` (a module of kb/engine, or a test) does that the layers forbid."""
    module = module_name(path)
    out: list[str] = []
    for use in uses(path, source):
        target = use.module if use.name is None else f"{use.module}.{use.name}"
        what = f"{path.relative_to(ROOT)}:{use.line}: {target}"
        if within(module, "kb.tui") and within(target, "kb.cli"):
            out.append(f"{what}: kb.tui imports kb.cli (faces never import each other)")
        if within(module, "kb.progress") and within(target, "kb.quiz"):
            out.append(f"{what}: kb.progress imports kb.quiz (scheduling lives in kb.progress)")
        if within(module, "kb") and not within(module, "kb.tui") and (
                within(target, "textual") or within(target, "textual_plotext")):
            out.append(f"{what}: only kb.tui imports Textual")
        if within(module, "engine") and within(target, "kb"):
            out.append(f"{what}: the engine never imports kb")
        parts = target.split(".")
        if parts[0] == "textual" and any(private(p) for p in parts[1:]):
            out.append(f"{what}: Textual's private API (use the public one)")
        elif use.name in TEXTUAL_PRIVATE_ATTRS:
            out.append(f"{what}: Textual's private attribute (use the public API)")
        first = next((i for i, p in enumerate(parts) if private(p)), None)
        if parts[0] in PACKAGES and first is not None and not within(module, "tests"):
            # ``from kb.loader import _x`` in kb.quality: another module's private name. A
            # module's own privates, and a package's private submodules used inside that
            # package (engine.worker starts engine._child), are fine. Tests may test helpers.
            owner = ".".join(parts[:first])
            if not within(module, owner):
                out.append(f"{what}: another module's private name")
    return out


# -- the rules, on the tree --------------------------------------------------------------------------


def test_the_layers_hold_in_every_module():
    found = [v for path in source_files(*PACKAGES) for v in violations(path)]
    assert found == []


def test_no_test_reaches_into_textual_privates():
    found = [v for path in source_files("tests") for v in violations(path)]
    assert found == []


def test_scheduling_lives_with_the_progress_store():
    import kb.progress.scheduling as scheduling

    assert scheduling.apply_rating.__module__ == "kb.progress.scheduling"
    assert not (ROOT / "kb" / "quiz" / "scheduling.py").exists()


# -- the checker itself: each rule fails on what it forbids ---------------------------------------


@pytest.mark.parametrize("rel, source, expected", [
    ("kb/tui/screens/x.py", "def f():\n    from kb.cli.progress import when\n", "kb.tui imports kb.cli"),
    ("kb/tui/screens/x.py", "import kb.cli.quiz\n", "kb.tui imports kb.cli"),
    ("kb/progress/x.py", "from kb.quiz.session import QuizSession\n", "kb.progress imports kb.quiz"),
    ("kb/progress/x.py", "from ..quiz import grading\n", "kb.progress imports kb.quiz"),
    ("kb/search.py", "from textual.widgets import Static\n", "only kb.tui imports Textual"),
    ("kb/app/x.py", "import textual\n", "only kb.tui imports Textual"),
    ("engine/x.py", "from kb.i18n import tr\n", "the engine never imports kb"),
    ("kb/quality.py", "from kb.loader import _mark_for\n", "another module's private name"),
    ("kb/quality.py", "import kb.loader\nkb.loader._mark_for(())\n", "another module's private name"),
    ("kb/quality.py", "from kb import loader\nloader._mark_for(())\n", "another module's private name"),
    ("kb/tui/x.py", "from textual._tree_sitter import get_language\n", "Textual's private API"),
    ("kb/tui/x.py", "from textual.widgets._footer import FooterKey\n", "Textual's private API"),
    ("kb/tui/x.py", "def f(node):\n    return node._bindings\n", "Textual's private attribute"),
    ("tests/tui/x.py", "def f(app):\n    return app.screen._compositor\n", "Textual's private attribute"),
])
def test_the_checker_catches(rel, source, expected):
    found = violations(ROOT / rel, source)
    assert len(found) == 1 and expected in found[0], found


@pytest.mark.parametrize("rel, source", [
    ("kb/tui/screens/x.py", "from kb.i18n import when\nfrom kb.app.labels import kind_name\n"),
    ("kb/quiz/x.py", "from kb.progress.scheduling import apply_rating\n"),
    ("kb/cli/x.py", "def f():\n    from kb.tui.app import KbApp\n"),
    ("kb/cli/serve.py", "from textual_serve.app_service import AppService\n"),
    ("kb/x.py", "def f():\n    return self._cache\n"),  # its own privates
    ("kb/x.py", "class A:\n    def __init__(self):\n        super().__init__()\n"),
    ("engine/worker.py", "from engine import _child\nimport engine._child\n"),  # a package's own
    ("tests/kb/x.py", "from kb.loader import _mark_for\n"),  # tests may test a module's helpers
    ("kb/tui/x.py", "from textual.widgets import Footer\nfrom textual import getters\n"),
])
def test_the_checker_allows(rel, source):
    assert violations(ROOT / rel, source) == []


# -- dead code that hid mistakes -----------------------------------------------------------------


def test_a_command_module_that_fails_to_import_is_an_error_not_a_missing_command(monkeypatch):
    """The CLI used to skip a command group whose module was missing ("not built yet"), so
    a broken install lost commands silently."""
    import kb.cli

    monkeypatch.setattr(kb.cli, "COMMAND_MODULES", kb.cli.COMMAND_MODULES + ("kb.cli.no_such_group",))
    with pytest.raises(ModuleNotFoundError):
        kb.cli.build_parser()
