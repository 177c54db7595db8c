"""The version is written once, in kb/__init__.py: the build (hatch's version source), the
installed metadata and ``kb --version`` all read it."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import kb

ROOT = Path(__file__).resolve().parents[2]


def test_pyproject_names_no_version_of_its_own():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "kb/__init__.py"


def test_the_build_reads_the_version_from_kb():
    out = subprocess.run([sys.executable, "-m", "hatchling", "version"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == kb.__version__


def test_kb_version_prints_it(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_HOME", str(tmp_path))
    out = subprocess.run([sys.executable, "-m", "kb", "--version"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"kb {kb.__version__}"
    assert version("kb") == kb.__version__  # the installed metadata agrees
