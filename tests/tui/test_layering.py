"""The core never imports Textual, and the app's first paint needs neither SQLAlchemy,
pydantic nor NumPy (they load in a worker after it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE_MODULES = [
    "kb", "kb.catalog", "kb.cli", "kb.cli.content", "kb.content", "kb.i18n", "kb.index.build", "kb.loader",
    "kb.paths", "kb.render", "kb.schema", "kb.search", "kb.progress", "kb.progress.store", "kb.progress.stats",
    "kb.quiz.grading", "kb.quiz.session", "kb.learning_path", "kb.exercises", "kb.cli.exercise", "kb.cli.quiz",
    "kb.cli.progress", "kb.cli.path", "engine",
]


def run_python(code: str, env: dict | None = None) -> str:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, **(env or {})})
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_core_packages_never_import_textual():
    code = (
        "import importlib, json, sys\n"
        f"names = {CORE_MODULES!r}\n"
        "missing = []\n"
        "for n in names:\n"
        "    try: importlib.import_module(n)\n"
        "    except ModuleNotFoundError as e:\n"
        "        if e.name != n: raise\n"
        "        missing.append(n)\n"
        "import kb.cli\n"
        "kb.cli.build_parser()\n"
        "print(json.dumps(sorted(m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'textual_plotext', 'kb.tui')))))\n"
    )
    assert json.loads(run_python(code)) == []


def test_no_core_source_file_mentions_textual_imports():
    offenders = []
    for path in list((ROOT / "kb").rglob("*.py")) + list((ROOT / "engine").rglob("*.py")):
        if "tui" in path.relative_to(ROOT).parts:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            module = stripped.split()[1] if stripped.startswith(("import ", "from ")) and " " in stripped else ""
            if module == "textual" or module.startswith(("textual.", "textual_plotext")):  # textual_serve is not Textual
                offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_first_paint_comes_before_sqlalchemy_pydantic_and_numpy(tmp_path, lang):
    code = (
        "import asyncio, json\n"
        "from kb.tui.app import KbApp\n"
        "async def main():\n"
        f"    app = KbApp(lang={lang!r}, roots=['tests/tui/fixtures/content'])\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        while app.first_paint_modules is None:\n"
        "            await pilot.pause(0.01)\n"
        "        heavy = sorted(app.first_paint_modules & {'sqlalchemy', 'numpy', 'pydantic', 'alembic', 'fsrs', 'textual_plotext'})\n"
        "        while app.services is None and app.load_error is None:\n"
        "            await pilot.pause(0.01)\n"
        "        print(json.dumps({'heavy': heavy, 'error': app.load_error}))\n"
        "asyncio.run(main())\n"
    )
    result = json.loads(run_python(code, {"KB_HOME": str(tmp_path / "home")}).strip().splitlines()[-1])
    assert result == {"heavy": [], "error": None}
