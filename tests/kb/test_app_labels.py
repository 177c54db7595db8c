"""The content-kind registry and the shared labels (kb.app.labels): one list of kinds that
the schema, the index and every face agree with, and one spelling of each step verb and
status mark."""

from __future__ import annotations

import subprocess
import sys

from kb.app import labels


def test_the_registry_names_exactly_the_schemas_kinds_in_the_indexs_folders():
    from kb.index.current import FOLDERS as INDEX_FOLDERS
    from kb.schema import FOLDERS as SCHEMA_FOLDERS
    from kb.schema import KINDS as SCHEMA_KINDS

    assert set(labels.KIND_IDS) == set(SCHEMA_KINDS)
    assert len(labels.KIND_IDS) == len(set(labels.KIND_IDS))
    assert labels.FOLDERS == INDEX_FOLDERS == SCHEMA_FOLDERS
    for kind in labels.KINDS:
        assert all(kind.name) and all(kind.plural), kind


def test_the_faces_take_their_kind_lists_and_names_from_the_registry(capsys):
    from kb.cli import main
    from kb.render import entry_markdown
    from kb.tui.strings import kind_label

    for command in (["list"], ["search", "x"]):
        try:
            main([*command, "--kind", "no-such-kind"])
        except SystemExit as exc:
            assert exc.code == 2
        err = capsys.readouterr().err
        assert ", ".join(labels.KIND_IDS) in err.replace("'", ""), err  # the choices, in the registry's order
    assert kind_label("path", "zh") == labels.kind_name("path", "zh") == "学习路径"
    entry = {"kind": "faq", "title": {"en": "T", "zh": "题"}, "summary": {"en": "S", "zh": "概"},
             "answer": {"en": "A", "zh": "答"}}
    assert "*常见问题* — 概" in entry_markdown(entry, "zh")


def test_names_verbs_and_marks_in_both_languages():
    assert labels.kind_name("quiz", "en") == "Quiz" and labels.kind_plural("quiz", "en") == "Quizzes"
    assert labels.kind_plural("concept", "zh") == "概念"
    assert labels.kind_name("mystery", "zh") == "mystery"  # a kind from a newer pack, as spelled
    assert [labels.step_verb(d, "en") for d in ("read", "quiz", "exercise")] == ["Read", "Quiz", "Exercise"]
    assert [labels.step_verb(d, "zh") for d in ("read", "quiz", "exercise")] == ["阅读", "测验", "练习"]
    assert [labels.step_mark(s) for s in ("done", "started", "todo", "missing", "??")] == ["✓", "◐", "○", "✗", "·"]
    assert labels.step_state("todo", "zh") == "待完成"
    assert labels.exercise_mark("attempted") == labels.step_mark("started")  # a step on the way, not a failure
    assert labels.exercise_mark(None) == labels.exercise_mark("new") == "○"
    assert labels.exercise_state_label("attempted", "zh") == "已尝试"


def test_a_path_step_reads_the_same_in_kb_path_and_in_the_entry_view():
    """The step verb used to be "read" in `kb path` and "Read" in the app."""
    from kb.render import entry_markdown

    path = {"kind": "path", "id": "p", "title": {"en": "P", "zh": "P"}, "summary": {"en": "s", "zh": "s"},
            "steps": [{"do": "read", "ref": "relu"}]}
    assert "1. ○ Read `relu`" in entry_markdown(path, "en", step_marks={1: labels.step_mark("todo")})


def test_the_labels_import_nothing_heavy():
    code = ("import sys, kb.app.labels, kb.render\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'sqlalchemy', 'alembic', 'textual'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
