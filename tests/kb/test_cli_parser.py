"""A run builds only its own command's parser (kb.cli.COMMANDS): the table must name
every command the modules register, and a lookup must not import the other commands."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

import kb.cli

ROOT = Path(__file__).resolve().parents[2]


def registered(parser: argparse.ArgumentParser) -> set[str]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001 - argparse has no public accessor
    return set(sub.choices)


def test_the_command_table_names_exactly_what_the_modules_register():
    assert registered(kb.cli.build_parser("en")) == set(kb.cli.COMMANDS)


@pytest.mark.parametrize("command", sorted(kb.cli.COMMANDS))
def test_each_command_alone_builds_its_own_parser(command):
    assert command in registered(kb.cli.build_parser("en", command))


@pytest.mark.parametrize(("argv", "expected"), [
    (["search", "relu"], "search"),
    (["--lang", "zh", "--user", "ann", "exercise", "check", "x"], "exercise"),
    (["--lang=zh", "show", "x"], "show"),
    ([], ""), (["--lang", "zh"], ""), (["--version"], ""),  # the app, or the version: no command
    (["serach", "relu"], None), (["--help"], None), (["search", "-h"], None),  # all: help, did-you-mean
])
def test_which_command_a_run_names(argv, expected):
    assert kb.cli.command_of(argv) == expected


def test_a_lookup_imports_no_other_command(tmp_path):
    code = ("import json, sys\nfrom kb.cli import main\nmain(['search', 'relu'])\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('kb.cli.'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"KB_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "KB_LANG": "en"})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == ["kb.cli.content"]
