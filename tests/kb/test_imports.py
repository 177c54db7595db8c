"""The dependency direction, checked in fresh interpreters: the kb core and its CLI
never import Textual, ``kb --help`` stays light, the engine never imports kb; and the
wheel carries the shipped content."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"


def fresh(code: str, home: Path, *, fixture_content: bool = False, **env: str) -> dict:
    """Run ``code`` in a new interpreter (KB_HOME=home); it sets ``result``, which comes
    back as JSON, with the top-level packages imported, as ``result["modules"]``."""
    program = (textwrap.dedent(USE_FIXTURE_CONTENT) if fixture_content else "") + textwrap.dedent(code)
    program += textwrap.dedent("""
        import json as _json, sys as _sys
        result = dict(globals().get("result") or {})
        result["modules"] = sorted({m.split(".")[0] for m in _sys.modules})
        result["all_modules"] = sorted(_sys.modules)
        print("\\n@@RESULT@@" + _json.dumps(result))
    """)
    environ = {k: v for k, v in os.environ.items() if k not in ("KB_CONTENT_PATH", "KB_LANG")}
    environ.update(KB_HOME=str(home), **env)
    proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=environ,
                          cwd=str(home), timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.rsplit("@@RESULT@@", 1)[1])


# Hermetic content for the commands: the fixture pack as the "shipped" knowledge base.
USE_FIXTURE_CONTENT = f"""
    import kb.paths
    from pathlib import Path
    kb.paths.shipped_content_dir = lambda: Path({str(FIXTURES / "pack")!r})
"""


def test_importing_the_core_does_not_import_textual(tmp_path):
    r = fresh("import kb, kb.catalog, kb.cli, kb.cli.content, kb.search, kb.loader, kb.render", tmp_path)
    assert "textual" not in r["modules"]
    assert "kb.tui" not in r["all_modules"]


def test_kb_search_does_not_import_textual(tmp_path):
    r = fresh("""
        from kb.cli import main
        result = {"code": main(["search", "relu", "--json"])}
    """, tmp_path, fixture_content=True)
    assert r["code"] == 0
    assert "textual" not in r["modules"] and "kb.tui" not in r["all_modules"]
    assert "sqlalchemy" in r["modules"]  # it did search


def test_content_commands_do_not_import_textual(tmp_path):
    r = fresh("""
        from kb.cli import main
        result = {"codes": [main(argv) for argv in (["validate"], ["list"], ["show", "relu"], ["faq", "overfitting"],
                                                    ["index"], ["schema"], ["search", "激活"])]}
    """, tmp_path, fixture_content=True)
    assert r["codes"] == [0] * 7
    assert "textual" not in r["modules"]


def test_help_is_light(tmp_path):
    r = fresh("""
        from kb.cli import main
        try:
            main(["--help"])
        except SystemExit as exc:
            result = {"code": exc.code}
    """, tmp_path)
    assert r["code"] == 0
    heavy = {"textual", "sqlalchemy", "numpy", "rich"} & set(r["modules"])
    assert heavy == set()


def _core_modules() -> list[str]:
    import kb

    names = []
    for info in pkgutil.walk_packages(kb.__path__, "kb."):
        if info.name.startswith("kb.tui") or ".migrations" in info.name or info.name == "kb.__main__":
            continue
        names.append(info.name)
    return names


def test_no_core_module_imports_textual(tmp_path):
    modules = _core_modules()
    assert {"kb.catalog", "kb.search", "kb.loader", "kb.index.build"} <= set(modules)
    r = fresh(f"""
        import importlib
        failed = {{}}
        for name in {modules!r}:
            try:
                importlib.import_module(name)
            except ImportError as exc:  # a module another part of kb is still writing
                failed[name] = repr(exc)
        result = {{"failed": failed}}
    """, tmp_path)
    assert "textual" not in r["modules"], [m for m in r["all_modules"] if m.startswith("kb.")]


def _engine_modules() -> list[str]:
    engine = pytest.importorskip("engine")
    names = ["engine"] + [info.name for info in pkgutil.walk_packages(engine.__path__, "engine.")]
    return names


def test_engine_never_imports_kb(tmp_path):
    modules = _engine_modules()
    r = fresh(f"""
        import importlib
        skipped = []
        for name in {modules!r}:
            try:
                importlib.import_module(name)
            except ImportError as exc:
                if (exc.name or "").split(".")[0] == "kb":
                    raise
                skipped.append(name)  # a module still being written, or an optional dependency
        result = {{"skipped": skipped}}
    """, tmp_path)
    if len(r["skipped"]) == len(modules):
        pytest.skip("no engine module can be imported yet")
    assert "kb" not in r["modules"]
    assert "textual" not in r["modules"]


# --- packaging ------------------------------------------------------------------------


def _wheel(tmp_path: Path) -> Path:
    out = tmp_path / "dist"
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-w", str(out), str(REPO)], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 and "hatchling" in (proc.stdout + proc.stderr):
        pytest.skip("hatchling is not installed (pip install hatchling)")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (wheel,) = out.glob("kb-*.whl")
    return wheel


@pytest.mark.slow
def test_the_wheel_carries_the_content_and_an_installed_kb_finds_it(tmp_path):
    import zipfile

    wheel = _wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    concepts = [n for n in names if n.startswith("kb/_content/concepts/") and n.endswith(".yaml")]
    shipped = sorted(p.name for p in (REPO / "content" / "concepts").glob("*.yaml"))
    assert concepts and len(concepts) >= min(len(shipped), 1)
    assert "kb/cli/__init__.py" in names and "engine/__init__.py" in names
    assert not [n for n in names if n.startswith("content/")]  # only inside the package

    # Install it (dependencies from this environment) and run the console script.
    # A venv of its own whose dependencies come from this environment through a .pth
    # file (system_site_packages would reach the bare base interpreter when the tests
    # themselves run inside a venv). A .pth line adds a directory without running the
    # .pth files in it, so this environment's editable kb stays out of sight.
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=False, with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site_dir = env_dir / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    deps = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    (site_dir / "_kb_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps",
                           "--no-index", "--ignore-installed", str(wheel)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    environ = {k: v for k, v in os.environ.items() if k not in ("KB_CONTENT_PATH", "PYTHONPATH")}
    environ["KB_HOME"] = str(tmp_path / "home")
    where = subprocess.run([str(py), "-c", "import kb.paths; print(kb.paths.shipped_content_dir())"],
                           capture_output=True, text=True, env=environ, cwd=str(tmp_path), timeout=120)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()) == env_dir / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages" / "kb" / "_content"
    listed = subprocess.run([str(env_dir / "bin" / "kb"), "list", "--kind", "concept", "--json"],
                            capture_output=True, text=True, env=environ, cwd=str(tmp_path), timeout=300)
    assert listed.returncode == 0, listed.stderr[-2000:]
    entries = json.loads(listed.stdout)
    assert len(entries) > 0 and all(e["kind"] == "concept" for e in entries)

    # A first start begins from the index and the empty store the wheel ships (built from
    # this checkout's content/, used from site-packages/kb/_content): nothing is parsed,
    # nothing migrated, and neither SQLAlchemy nor pydantic is imported for it.
    assert {"kb/_shipped/index.sqlite", "kb/_shipped/progress.sqlite", "kb/_shipped/manifest.json"} <= set(names)
    first_start = (
        "import json, sys\n"
        "from kb.catalog import Catalog\n"
        "from kb.progress import open_store\n"
        "cat = Catalog.open(None)\n"
        "store = open_store()\n"
        "store.record_attempt('relu', 'pass', 1.0, 0, False)\n"
        "print(json.dumps([cat.last_refresh.parsed, cat.last_refresh.files, store.exercise_statuses(),\n"
        "                  sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'pydantic', 'alembic'})]))\n"
    )
    first = subprocess.run([str(py), "-c", first_start], capture_output=True, text=True, cwd=str(tmp_path),
                           env={**environ, "KB_HOME": str(tmp_path / "first")}, timeout=300)
    assert first.returncode == 0, first.stderr[-2000:]
    parsed, files, statuses, heavy = json.loads(first.stdout)
    assert parsed == 0 and files >= len(shipped) and statuses == {"relu": "passed"} and heavy == []


# --- the read path: a current index is read without the ORM, pydantic or Alembic -------------

HEAVY = ("sqlalchemy", "alembic", "pydantic")
RUN_KB = """
    import io, sys
    sys.stdout = io.StringIO()  # piped, as a script reads it
    from kb.cli import main
    code = main({argv!r})  # in-process: a command that ends the process at once does not here
    out, sys.stdout = sys.stdout.getvalue(), sys.__stdout__
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r})
    result = {{"code": code, "out": out, "heavy": heavy}}
"""


def kb_fresh(home: Path, *argv: str) -> dict:
    return fresh(RUN_KB.format(argv=list(argv), heavy=HEAVY), home, fixture_content=True)


def test_kb_search_with_a_current_index_imports_no_orm_pydantic_or_alembic(tmp_path):
    built = kb_fresh(tmp_path, "index")  # builds the index (through SQLAlchemy)
    assert built["code"] == 0 and "sqlalchemy" in built["heavy"]
    r = kb_fresh(tmp_path, "search", "relu")
    assert r["code"] == 0 and r["out"].splitlines()[0].startswith("ReLU (rectified linear unit)")
    assert r["heavy"] == []


@pytest.mark.parametrize("argv", [["show", "relu"], ["show", "activations-path"], ["list"], ["faq", "overfitting"],
                                  ["faq"], ["search", "激活", "--json"], ["show", "relu", "--json"]])
def test_other_lookups_with_a_current_index_import_none_of_them_either(tmp_path, argv):
    kb_fresh(tmp_path, "index")
    r = kb_fresh(tmp_path, *argv)
    assert r["code"] == 0 and r["out"]
    assert r["heavy"] == []


def test_a_changed_file_is_seen_by_the_next_search(tmp_path):
    """Stale (a content file touched) or missing: the read path refreshes first."""
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(FIXTURES / "pack", pack)
    home = tmp_path / "home"
    home.mkdir()
    use_pack = f"""
        import kb.paths
        from pathlib import Path
        kb.paths.shipped_content_dir = lambda: Path({str(pack)!r})
    """
    code = textwrap.dedent(use_pack) + textwrap.dedent(RUN_KB.format(argv=["search", "zanzibar"], heavy=HEAVY))
    first = fresh(code, home)  # no index yet: built
    assert first["code"] == 4 and first["out"] == "" and "sqlalchemy" in first["heavy"]  # 4: no results
    relu = pack / "concepts" / "relu.yaml"
    relu.write_text(relu.read_text(encoding="utf-8").replace("Cheap to compute.", "Cheap as Zanzibar."),
                    encoding="utf-8")
    st = relu.stat()
    os.utime(relu, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # a coarse clock must not hide it
    second = fresh(code, home)  # stale: refreshed, then read
    assert second["code"] == 0 and second["out"].startswith("ReLU (rectified linear unit)")
    assert "sqlalchemy" in second["heavy"]
    third = fresh(code, home)  # current again: read as it is
    assert third["out"] == second["out"] and third["heavy"] == []


def test_a_cold_check_records_its_attempt_without_sqlalchemy_pydantic_or_yaml(tmp_path):
    """`kb exercise check` on a current index and store: the verdict, the attempt and the
    next exercise without SQLAlchemy, Alembic, pydantic or YAML (the exercise is the
    index's validated document, read through engine.plain; the store's statements run
    on sqlite3)."""
    solution = tmp_path / "sigmoid.py"
    solution.write_text((REPO / "content" / "exercises" / "sigmoid" / "solution.py").read_text(encoding="utf-8"),
                        encoding="utf-8")
    argv = ["exercise", "check", "sigmoid", "--file", str(solution)]
    first = fresh(RUN_KB.format(argv=argv, heavy=HEAVY), tmp_path)
    assert first["code"] == 0 and "Next: " in first["out"]
    again = fresh(textwrap.dedent(RUN_KB.format(argv=argv, heavy=HEAVY)) + "from kb.progress import open_store\n"
                  "result['attempts'] = len(open_store().attempts('sigmoid'))\n", tmp_path)
    assert again["code"] == 0 and "PASS" in again["out"] and "Next: " in again["out"]
    assert again["heavy"] == []
    assert not {"yaml", "kb.schema", "kb.loader"} & set(again["all_modules"])
    assert again["attempts"] == 2


def test_a_check_reads_the_exercise_as_its_files_are_now(tmp_path):
    """The check's exercise comes from the index only while the index is current: an
    edited solution is seen by the next check, a broken file gets its error."""
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(FIXTURES / "pack", pack)
    folder = pack / "exercises" / "squash"
    shutil.copytree(REPO / "content" / "exercises" / "sigmoid", folder)
    spec = folder / "exercise.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("id: sigmoid\n", "id: squash\n", 1), encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    learner = tmp_path / "mine.py"
    learner.write_text((folder / "solution.py").read_text(encoding="utf-8"), encoding="utf-8")
    use_pack = f"""
        import kb.paths
        from pathlib import Path
        kb.paths.shipped_content_dir = lambda: Path({str(pack)!r})
    """
    code = textwrap.dedent(use_pack) + textwrap.dedent(
        RUN_KB.format(argv=["exercise", "check", "squash", "--file", str(learner)], heavy=HEAVY))

    def touch(path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # a coarse clock must not hide it

    assert fresh(code, home)["code"] == 0  # the index is built
    current = fresh(code, home)
    assert current["code"] == 0 and "squash" in current["out"] and "PASS" in current["out"]
    assert current["heavy"] == [] and "yaml" not in current["all_modules"]

    # the reference changed: the learner's file, the old reference, no longer agrees
    touch(folder / "solution.py", "import numpy as np\n\ndef sigmoid(x):\n    return 0.5 + 0 * np.asarray(x)\n")
    changed = fresh(code, home)
    assert changed["code"] == 1 and "FAIL" in changed["out"]

    # a file that no longer loads: its error, as before the index was used
    touch(spec, spec.read_text(encoding="utf-8").replace("checks:", "checks: [", 1))
    broken = fresh(code, home)
    assert broken["code"] == 5 and broken["out"] == ""
