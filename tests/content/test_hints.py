"""Hints never hand over the solution (content guide: "the idea, then the NumPy tool, then
a partial line of code — never the whole body; the whole answer stays behind the solution
gate").

For every exercise folder that exists when the tests run, the reference solution is
parsed with ``ast`` and each required function (the exercise's ``functions:``) is reduced
to its statements (so is each top-level helper it calls): docstrings, imports and a ``return`` of bare names are skipped, a
compound statement counts as its header (``for i in range(n):``) plus the statements
inside it, and a ``return expr`` counts as ``expr``. Code is compared with whitespace
removed and ``1.0`` read as ``1``, both as written and as ``ast.unparse`` spells it.

- No hint, in either language, contains every statement of any required function.
- The last tier (the partial line) is no longer than the required functions' bodies as
  they are written in solution.py.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kb.content import load_roots
from kb.paths import shipped_content_dir

EXERCISES = shipped_content_dir() / "exercises"
FOLDERS = sorted(p.name for p in EXERCISES.iterdir() if (p / "exercise.yaml").is_file()) if EXERCISES.is_dir() else []
LANGS = ("en", "zh")


@pytest.fixture(scope="module")
def exercises():
    content = load_roots([shipped_content_dir()])
    by_folder = {}
    for ident, entry in content.entries.items():
        if entry.kind == "exercise":
            by_folder[Path(content.sources[ident]).parent.name] = entry
    return by_folder


def _exercise(exercises, folder):
    if folder not in exercises:
        pytest.skip(f"{folder}: exercise.yaml does not load (kb validate names the problem)")
    return exercises[folder]


# --- normalising code -----------------------------------------------------------------


def norm(text: str) -> str:
    """Whitespace removed, ``2.0`` read as ``2``, ``...`` as ``…``."""
    text = re.sub(r"(?<![\w.])(\d+)\.0+(?![\d\w])", r"\1", text)
    text = re.sub(r"\s+", "", text)
    return text.replace("...", "…")


def _forms(node: ast.AST, source: str) -> set[str]:
    """A statement or expression as written and as ``ast.unparse`` writes it."""
    forms = {norm(ast.unparse(node))}
    written = ast.get_source_segment(source, node)
    if written:
        forms.add(norm(written))
    return forms


def _is_names(node: ast.expr | None) -> bool:
    if isinstance(node, ast.Name):
        return True
    return isinstance(node, ast.Tuple) and all(isinstance(e, ast.Name) for e in node.elts)


def statements(body: list[ast.stmt], source: str) -> list[set[str]]:
    """Each statement of a body (recursively for compound ones), as its set of forms."""
    out: list[set[str]] = []
    for i, stmt in enumerate(body):
        if i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            continue  # docstring
        if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Pass)):
            continue
        if isinstance(stmt, ast.Return):
            if stmt.value is None or _is_names(stmt.value):
                continue
            out.append(_forms(stmt.value, source))
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            header = f"for {ast.unparse(stmt.target)} in {ast.unparse(stmt.iter)}:"
            out.append({norm(header)})
            out += statements(stmt.body, source) + statements(stmt.orelse, source)
        elif isinstance(stmt, (ast.If, ast.While)):
            keyword = "if" if isinstance(stmt, ast.If) else "while"
            out.append({norm(f"{keyword} {ast.unparse(stmt.test)}:")})
            out += statements(stmt.body, source) + statements(stmt.orelse, source)
        elif isinstance(stmt, (ast.With, ast.AsyncWith, ast.Try)):
            for block in ("body", "orelse", "finalbody"):
                out += statements(getattr(stmt, block, []), source)
            for handler in getattr(stmt, "handlers", []):
                out += statements(handler.body, source)
        else:
            out.append(_forms(stmt, source))
    return out


def required_functions(ex) -> dict[str, ast.FunctionDef]:
    """The exercise's ``functions:``, plus the solution's top-level helpers they call
    (``_lse`` in log-softmax): the code a learner has to write."""
    tree = ast.parse(ex.solution)
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    # A required class (micrograd's Value) is code to write too: each of its methods counts
    # as a function of its own, named Class.method.
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        for method in (m for m in cls.body if isinstance(m, ast.FunctionDef)):
            defs[f"{cls.name}.{method.name}"] = method
    todo = [f.name for f in ex.functions]
    todo += [name for name in defs if name.split(".")[0] in todo and "." in name]
    out: dict[str, ast.FunctionDef] = {}
    while todo:
        name = todo.pop(0)
        if name in out or name not in defs:
            continue
        out[name] = defs[name]
        for node in ast.walk(defs[name]):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in defs:
                todo.append(node.func.id)
    return out


def body_text(fn: ast.FunctionDef, source: str) -> str:
    """The body's lines as written in solution.py (docstring left out)."""
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]
    if not body:
        return ""
    lines = source.splitlines(keepends=True)
    return "".join(lines[body[0].lineno - 1 : fn.end_lineno])


def hint_code(hint: str) -> str:
    """The hint as normalised text, plus every code span in it that parses, unparsed."""
    parts = [norm(hint)]
    for span in re.findall(r"`([^`]+)`", hint):
        try:
            tree = ast.parse(span.strip())
        except SyntaxError:
            continue
        for node in tree.body:
            parts.append(norm(ast.unparse(node.value if isinstance(node, ast.Expr) else node)))
    return "\n".join(parts)


def whole_bodies_in(hint: str, ex) -> list[str]:
    """Names of the required functions whose every statement the hint contains."""
    text = hint_code(hint)
    found = []
    for name, fn in required_functions(ex).items():
        stmts = statements(fn.body, ex.solution)
        if stmts and all(any(form in text for form in forms) for forms in stmts):
            found.append(name)
    return found


# --- the tests ------------------------------------------------------------------------


def test_there_are_exercises_to_check():
    assert len(FOLDERS) >= 26


@pytest.mark.parametrize("folder", FOLDERS)
def test_last_hint_does_not_contain_a_whole_function(exercises, folder):
    ex = _exercise(exercises, folder)
    assert len(ex.hints) >= 3, f"{folder}: hints come in three tiers (idea, NumPy tool, partial line)"
    last = ex.hints[-1]
    for lang in LANGS:
        given = whole_bodies_in(getattr(last, lang), ex)
        assert not given, f"{folder}: the {lang} tier-{len(ex.hints)} hint contains the whole body of {', '.join(given)}()"


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_earlier_hint_contains_a_whole_function(exercises, folder):
    ex = _exercise(exercises, folder)
    for tier, hint in enumerate(ex.hints[:-1], start=1):
        for lang in LANGS:
            given = whole_bodies_in(getattr(hint, lang), ex)
            assert not given, f"{folder}: the {lang} tier-{tier} hint contains the whole body of {', '.join(given)}()"


@pytest.mark.parametrize("folder", FOLDERS)
def test_last_hint_is_not_longer_than_the_solution(exercises, folder):
    ex = _exercise(exercises, folder)
    limit = sum(len(body_text(fn, ex.solution)) for fn in required_functions(ex).values())
    last = ex.hints[-1]
    for lang in LANGS:
        text = getattr(last, lang)
        assert len(text) <= limit, (
            f"{folder}: the {lang} tier-{len(ex.hints)} hint has {len(text)} characters, "
            f"more than the {limit} of the solution's function bodies"
        )


# --- the checker itself -----------------------------------------------------------------


class _Fn:
    def __init__(self, name):
        self.name = name


class _Ex:
    def __init__(self, solution, names):
        self.solution = solution
        self.functions = [_Fn(n) for n in names]


SIGMOID = _Ex(
    "import numpy as np\n\n\ndef sigmoid(x):\n"
    '    """Stable."""\n'
    "    e = np.exp(-np.abs(x))  # never overflows\n"
    "    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))\n",
    ["sigmoid"],
)


def test_checker_finds_a_whole_body_however_it_is_spaced():
    hint = "`e=np.exp( -np.abs(x) )` then `return np.where(x>=0, 1/(1+e), e/(1+e))`"
    assert whole_bodies_in(hint, SIGMOID) == ["sigmoid"]
    # the returned expression alone, without `return`, is the statement too
    assert whole_bodies_in("`e = np.exp(-np.abs(x))`; `np.where(x >= 0, 1 / (1 + e), e / (1 + e))`", SIGMOID) == ["sigmoid"]


def test_checker_accepts_a_line_with_a_blank():
    hint = "`e = np.exp(-np.abs(x))`, then `np.where(x >= 0, 1 / (1 + e), …)`: what is the other branch?"
    assert whole_bodies_in(hint, SIGMOID) == []


def test_checker_looks_inside_loops_and_skips_returned_names():
    ex = _Ex(
        "def f(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total\n",
        ["f"],
    )
    assert whole_bodies_in("`total = 0`; `for x in xs:`; `total += x`", ex) == ["f"]
    assert whole_bodies_in("`total = 0`; `for x in xs:`; `total += …`", ex) == []
    assert body_text(required_functions(ex)["f"], ex.solution).startswith("    total = 0")


def test_checker_counts_the_helpers_a_required_function_calls():
    ex = _Ex(
        "def _lse(z):\n    m = z.max()\n    return m + np.log(np.exp(z - m).sum())\n\n"
        "def log_softmax(z):\n    return z - _lse(z)\n\n"
        "def unrelated(z):\n    return z\n",
        ["log_softmax"],
    )
    assert list(required_functions(ex)) == ["log_softmax", "_lse"]
    assert whole_bodies_in("`m = z.max()`; `return m + np.log(np.exp(z - m).sum())`", ex) == ["_lse"]
