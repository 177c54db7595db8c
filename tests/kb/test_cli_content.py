"""The content commands: validate, schema, index, search, show, list, faq; their --json
shapes, language choice, and errors a user can cause (one line, non-zero, no traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kb.schema import json_schema

REPO = Path(__file__).resolve().parents[2]


# --- validate -------------------------------------------------------------------------


def test_validate_shipped_only(kb, shipped):
    r = kb("validate")
    assert r.code == 0 and r.out == ""
    assert r.err.strip() == "1 files, 1 entries, 0 problems"


def test_validate_a_pack_with_the_shipped_content(kb, pack, write, concept):
    write(pack, "concepts/uses-shipped.yaml", concept("uses-shipped", extra="prerequisites: [neural-network]\n"))
    r = kb("validate", str(pack))
    assert r.code == 0, r.out
    assert "neural-network" not in r.out  # a link into the shipped content resolves
    assert r.err.strip() == "19 files, 19 entries, 0 problems, 4 warnings (fail only with --strict)"
    assert r.out.count("(warning)") == 4  # gelu and kv-cache have one language


def test_validate_catches_a_clash_with_the_shipped_content(kb, pack, shipped, write, concept, monkeypatch):
    monkeypatch.chdir(pack.parent)
    write(pack, "concepts/neural-network.yaml", concept("neural-network"))
    r = kb("validate", str(pack))
    assert r.code == 1
    assert ("pack/concepts/neural-network.yaml:1:5: id: duplicate id 'neural-network': "
            "already defined at shipped/concepts/neural-network.yaml:1:5") in r.out.splitlines()


def test_validate_reports_every_bad_file_and_fails(kb, pack, write, monkeypatch):
    monkeypatch.chdir(pack)
    write(pack, "concepts/bad-one.yaml", "id: bad-one\nkind: concept\ntitle: {en: T}\nsummery: {en: S}\n")
    write(pack, "tools/bad-two.yaml", b"\xff\xfe")
    r = kb("validate", ".")
    assert r.code == 1
    lines = [ln for ln in r.out.splitlines() if not ln.endswith("(warning)")]
    assert lines == [
        "concepts/bad-one.yaml:1:1: summary: required field is missing",
        "concepts/bad-one.yaml:4:1: summery: unknown field (check its spelling; see `kb schema`)",
        "tools/bad-two.yaml:1:1: -: not valid UTF-8 (byte 0xff)",
    ]
    assert r.err.startswith("20 files, 18 entries, 3 problems, ")


def test_validate_strict_fails_on_warnings(kb, pack, write, concept, monkeypatch):
    monkeypatch.chdir(pack)
    assert kb("validate", ".").code == 0
    r = kb("validate", "--strict", ".")
    assert r.code == 1
    assert "concepts/gelu.yaml:4:3: title: no zh text" in r.out.splitlines()
    (pack / "concepts" / "gelu.yaml").unlink()
    (pack / "concepts" / "kv-cache.yaml").unlink()
    write(pack, "concepts/dangling.yaml", concept("dangling", extra="related: [nowhere]\n"))
    r = kb("validate", ".")
    assert r.code == 0 and "concepts/dangling.yaml:5:11: related: 'nowhere' is not the id of any entry  (warning)" in r.out
    r = kb("validate", "--strict", ".")
    assert r.code == 1
    assert "concepts/dangling.yaml:5:11: related: 'nowhere' is not the id of any entry" in r.out.splitlines()


def test_validate_json(kb, pack, write):
    write(pack, "concepts/bad.yaml", "id: Bad\n")
    r = kb("validate", "--json", str(pack))
    assert r.code == 1
    data = r.json()
    assert data["files"] == 19 and data["entries"] == 18
    assert {p["message"] for p in data["warnings"]} == {"no zh text", "no en text"}
    assert [(p["path"].endswith("bad.yaml"), p["field"]) for p in data["problems"]] == [(True, "kind")]
    assert set(data["problems"][0]) == {"path", "line", "col", "field", "message", "severity"}


def test_validate_missing_dir_is_one_line(kb, tmp_path, shipped):
    r = kb("validate", str(tmp_path / "nope"))
    assert r.code == 5 and r.out == ""  # unavailable (kb.errors)
    assert r.err == f"kb: content pack '{tmp_path / 'nope'}' is not a readable directory\n"


def test_validate_loads_the_real_shipped_content(kb, monkeypatch):
    """Smoke test: the knowledge base in content/ loads (its content is checked by
    `kb validate --strict` in CI, not here, since it grows while tests run)."""
    monkeypatch.chdir(REPO)
    r = kb("validate", "--json")
    data = r.json()
    assert data["entries"] > 0 and data["files"] >= data["entries"]


# --- schema ---------------------------------------------------------------------------


def test_schema_prints_the_json_schema(kb):
    r = kb("schema")
    assert r.code == 0
    assert json.loads(r.out) == json.loads(json.dumps(json_schema()))


# --- index ----------------------------------------------------------------------------


def test_index_builds_then_refreshes(kb, pack, kb_home):
    r = kb("--content", str(pack), "index")
    assert r.code == 0
    assert r.out.strip() == "18 files, 18 parsed, 0 removed (rebuilt); 18 entries; 0 problems (see `kb validate`)"
    assert r.err.strip().startswith(str(kb_home / "cache"))
    r = kb("--content", str(pack), "index")
    assert r.out.strip() == "18 files, 0 parsed, 0 removed; 18 entries; 0 problems (see `kb validate`)"
    r = kb("--content", str(pack), "index", "--rebuild")
    assert "18 parsed" in r.out and "(rebuilt)" in r.out
    r = kb("--lang", "zh", "--content", str(pack), "index")
    assert r.out.strip() == "18 个文件，解析 0 个，移除 0 个；共 18 个条目；0 个问题（见 `kb validate`）"


# --- search ---------------------------------------------------------------------------


def test_search_text(kb, pack):
    r = kb("--content", str(pack), "search", "relu")
    assert r.code == 0
    first = r.out.splitlines()[0]
    assert "ReLU (rectified linear unit)" in first and "relu" in first


def test_search_json_shape(kb, pack):
    r = kb("--content", str(pack), "search", "激活", "--json")
    hits = r.json()
    assert isinstance(hits, list) and hits
    for h in hits:
        assert {"id", "kind", "title", "snippet"} <= set(h)
        assert set(h["title"]) == {"en", "zh"} and isinstance(h["snippet"], str)
        assert "激活" in h["snippet"]
        assert all(h["snippet"][s:e] == "激活" for s, e in h["highlights"])


def test_search_query_words_join(kb, pack):
    r = kb("--content", str(pack), "search", "ReLU", "激活", "--json")
    assert r.json()[0]["id"] == "relu"


def test_search_kind_and_limit(kb, pack):
    hits = kb("--content", str(pack), "search", "activation", "--kind", "faq", "--json").json()
    assert [h["id"] for h in hits] == ["which-activation"]
    hits = kb("--content", str(pack), "search", "a", "--limit", "2", "--json").json()
    assert len(hits) == 2


def test_search_no_results(kb, pack):
    r = kb("--content", str(pack), "search", "xylophone")
    assert r.code == 4 and r.out == "" and "xylophone" in r.err  # no results (kb.errors)
    r = kb("--content", str(pack), "search", "xylophone", "--json")
    assert r.code == 4 and r.json() == []


@pytest.mark.parametrize("query", ['"', "NEAR(", "'; DROP TABLE entries; --", "*", "AND", "\\", "%"])
def test_search_hostile_queries_exit_zero(kb, pack, query):
    r = kb("--content", str(pack), "search", query, "--json")
    assert r.code == (0 if r.json() else 4) and isinstance(r.json(), list)  # 4: no results


# --- show -----------------------------------------------------------------------------


def test_show_renders_in_the_chosen_language(kb, pack):
    en = kb("--content", str(pack), "show", "relu")
    zh = kb("--content", str(pack), "--lang", "zh", "show", "relu")
    assert en.code == zh.code == 0
    assert "ReLU (rectified linear unit)" in en.out and "Cheap to compute." in en.out
    assert "修正线性单元（ReLU）" in zh.out and "计算代价低。" in zh.out
    assert "Linked from" in en.out and "被引用于" in zh.out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_show_every_kind(kb, pack, lang):
    for ident in ("relu", "how-to-prevent-overfitting", "pytorch", "theano", "machine-translation",
                  "activations", "activations-path", "gelu", "kv-cache", "neural-network"):
        r = kb("--content", str(pack), "--lang", lang, "show", ident)
        assert r.code == 0 and r.out.strip(), ident


def test_show_json(kb, pack):
    data = kb("--content", str(pack), "show", "sigmoid", "--json").json()
    assert data["id"] == "sigmoid" and data["kind"] == "concept"
    assert data["title"] == {"en": "Sigmoid function", "zh": "sigmoid函数"}
    assert {"id": "relu", "kind": "concept", "field": "related"} in data["backlinks"]
    tool = kb("--content", str(pack), "show", "theano", "--json").json()
    assert tool["status"] == "discontinued" and tool["successor"] == "pytorch"


def test_show_one_language_entry_marks_the_fallback(kb, pack):
    r = kb("--content", str(pack), "--lang", "zh", "show", "gelu")
    assert "[EN] GELU" in r.out and "[EN] A smooth activation" in r.out
    r = kb("--content", str(pack), "--lang", "en", "show", "kv-cache")
    assert "[中文] 键值缓存" in r.out
    r = kb("--content", str(pack), "--lang", "en", "show", "gelu")
    assert "GELU" in r.out and "[中文]" not in r.out and "[EN]" not in r.out


def test_show_unknown_id(kb, pack):
    r = kb("--content", str(pack), "show", "relux")
    assert r.code == 3 and r.out == ""  # not found (kb.errors)
    assert r.err.startswith("kb: no entry with id 'relux'") and r.err.count("\n") == 1
    r = kb("--content", str(pack), "show", "zzz-nothing")
    assert r.err == "kb: no entry with id 'zzz-nothing' (see `kb search`)\n"
    r = kb("--content", str(pack), "--lang", "zh", "show", "zzz-nothing")
    assert r.err == "kb: 没有 id 为“zzz-nothing”的条目（见 `kb search`）\n"


# --- list -----------------------------------------------------------------------------


def test_list(kb, pack):
    r = kb("--content", str(pack), "list")
    assert r.code == 0 and len(r.out.splitlines()) == 18 and "18 entries" in r.err
    rows = kb("--content", str(pack), "list", "--kind", "tool", "--json").json()
    assert [row["id"] for row in rows] == ["pytorch", "theano"]
    assert set(rows[0]) == {"id", "kind", "title", "summary", "tags"}
    assert rows[0]["title"] == {"en": "PyTorch", "zh": "PyTorch"}
    rows = kb("--content", str(pack), "list", "--tag", "regularization", "--json").json()
    assert [row["id"] for row in rows] == ["dropout"]


# --- faq ------------------------------------------------------------------------------


def test_faq_answers_a_question_in_words(kb, pack):
    r = kb("--content", str(pack), "faq", "how do I stop overfitting")
    assert r.code == 0
    assert "How do I stop my model from overfitting?" in r.out and "weight decay" in r.out


def test_faq_answers_in_chinese(kb, pack):
    r = kb("--content", str(pack), "--lang", "zh", "faq", "怎么解决过拟合")
    assert r.code == 0
    assert "怎样防止模型过拟合？" in r.out and "权重衰减" in r.out


def test_faq_names_the_next_matches(kb, pack):
    r = kb("--content", str(pack), "faq", "activation", "or", "loss")
    assert r.code == 0
    assert "See also:" in r.out and "kb faq " in r.out


def test_faq_json(kb, pack):
    data = kb("--content", str(pack), "faq", "--json", "how do I stop overfitting").json()
    assert data["best"]["id"] == "how-to-prevent-overfitting"
    assert data["best"]["question"]["zh"] == "怎样防止模型过拟合？"
    assert isinstance(data["more"], list)


def test_faq_lists_every_question(kb, pack):
    r = kb("--content", str(pack), "faq")
    assert r.code == 0 and len(r.out.splitlines()) == 3
    assert "How do I stop my model from overfitting?" in r.out
    zh = kb("--content", str(pack), "--lang", "zh", "faq")
    assert "为什么损失会爆炸？" in zh.out
    assert len(kb("--content", str(pack), "faq", "--json").json()) == 3


def test_faq_without_a_match(kb, pack):
    r = kb("--content", str(pack), "faq", "xylophone")
    assert r.code == 4 and r.out == "" and "kb faq" in r.err and r.err.count("\n") == 1


# --- language -------------------------------------------------------------------------


@pytest.mark.parametrize("env, flag, expected", [
    ({}, None, "en"),
    ({"LANG": "zh_CN.UTF-8"}, None, "zh"),
    ({"LANG": "en_US.UTF-8"}, None, "en"),
    ({"LANG": "C"}, None, "en"),
    ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, None, "zh"),
    ({"KB_LANG": "zh", "LANG": "en_US.UTF-8"}, None, "zh"),
    ({"KB_LANG": "en", "LANG": "zh_CN.UTF-8"}, None, "en"),
    ({"KB_LANG": "EN", "LANG": "zh_CN.UTF-8"}, None, "en"),
    ({"KB_LANG": "fr", "LANG": "zh_CN.UTF-8"}, None, "zh"),  # not a kb language: ignored
    ({"KB_LANG": "zh"}, "en", "en"),
    ({"KB_LANG": "en", "LANG": "en_US.UTF-8"}, "zh", "zh"),
])
def test_language_precedence(monkeypatch, env, flag, expected):
    from kb.i18n import resolve_lang

    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert resolve_lang(flag) == expected


@pytest.mark.parametrize("env, argv, expected", [
    ({"LANG": "zh_CN.UTF-8"}, [], "zh"),
    ({"KB_LANG": "en", "LANG": "zh_CN.UTF-8"}, [], "en"),
    ({"KB_LANG": "en"}, ["--lang", "zh"], "zh"),
])
def test_language_reaches_the_output(kb, pack, monkeypatch, env, argv, expected):
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    out = kb(*argv, "--content", str(pack), "show", "overfitting").out
    assert ("过拟合" in out.splitlines()[0]) == (expected == "zh"), out.splitlines()[0]
    err = kb(*argv, "--content", str(pack), "list").err
    assert err.strip() == ("共 18 个条目" if expected == "zh" else "18 entries")


# --- errors a user can cause ----------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["--bogus"], ["search"], ["search", "x", "--limit", "0"], ["search", "x", "--limit", "many"],
    ["search", "x", "--kind", "blog"], ["list", "--kind", "blog"], ["--lang", "fr", "list"], ["nope"],
])
def test_bad_flags_are_one_line(kb, pack, argv):
    r = kb("--content", str(pack), *argv)
    assert r.code == 2 and r.out == ""
    help_of = "kb" if argv[0].startswith("-") or argv[0] == "nope" else f"kb {argv[0]}"  # the command's own help
    assert r.err.startswith("kb: ") and r.err.endswith(f"(see `{help_of} --help`)\n") and r.err.count("\n") == 1


@pytest.mark.parametrize("make", ["missing", "file"])
def test_unusable_content_dir_is_one_line(kb, shipped, tmp_path, make):
    target = tmp_path / "pack"
    if make == "file":
        target.write_text("not a directory")
    for argv in (["list"], ["search", "relu"], ["show", "relu"], ["faq"], ["index"], ["validate"]):
        r = kb("--content", str(target), *argv)
        assert r.code == 5 and r.out == "", argv
        assert r.err == f"kb: content pack '{target}' is not a readable directory\n"


def test_unreadable_content_dir_is_one_line(kb, pack, monkeypatch):
    real = os.scandir

    def scandir(path="."):
        if Path(path) == pack:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    r = kb("--content", str(pack), "list")
    assert r.code == 5 and r.out == ""
    assert r.err == f"kb: content pack '{pack}' is not a readable directory\n"


def test_content_path_environment(kb, pack, tmp_path, monkeypatch, write, concept):
    other = tmp_path / "other"
    write(other, "concepts/solo.yaml", concept("solo"))
    monkeypatch.setenv("KB_CONTENT_PATH", f"{pack}{os.pathsep}{other}")
    ids = [row["id"] for row in kb("list", "--json").json()]
    assert {"relu", "solo", "neural-network"} <= set(ids)
    assert kb("show", "solo").code == 0


def _kb_process(*argv: str, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("KB_LANG", "LANG", "LC_ALL", "LC_MESSAGES", "KB_CONTENT_PATH")}
    env["KB_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "kb", *argv], capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.parametrize("argv, code, message", [
    (["--bogus"], 2, "kb: unrecognized arguments: --bogus (see `kb --help`)"),
    (["search"], 2, "kb: the following arguments are required: query (see `kb search --help`)"),
    (["--content", "/nonexistent/pack", "list"], 5, "kb: content pack '/nonexistent/pack' is not a readable directory"),
    (["show", "no-such-entry-zzz"], 3, "kb: no entry with id 'no-such-entry-zzz' (see `kb search`)"),
])
def test_python_dash_m_kb_errors(tmp_path, argv, code, message):
    proc = _kb_process(*argv, home=tmp_path)
    assert proc.returncode == code
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [message]
    assert proc.stdout == ""


def test_show_changes_no_progress(kb, pack):
    """Reading from a script (kb show, --json) must not mark path steps as read: only
    opening an entry in the app, or `kb path --done N`, does."""
    from kb.progress import open_store

    assert kb("--content", str(pack), "show", "sigmoid").code == 0
    assert kb("--content", str(pack), "show", "sigmoid", "--json").code == 0
    store = open_store()
    try:
        assert store.read_entries() == {}
    finally:
        store.close()


def test_piped_output_is_neither_wrapped_nor_padded(kb, pack):
    """A script reading `kb show` or `kb search` gets whole lines: no wrapping at 80
    columns splitting an id from its title, no trailing padding, no colour."""
    out = kb("--content", str(pack), "show", "sigmoid").out
    assert out.startswith("# ") and "\x1b[" not in out
    assert not [line for line in out.splitlines() if line != line.rstrip()]
    long_lines = [line for line in out.splitlines() if len(line) > 80]
    body = kb("--content", str(pack), "show", "sigmoid", "--json").out
    import json

    paragraph = max(json.loads(body)["body"]["en"].split("\n\n"), key=len).replace("\n", " ")
    assert long_lines or len(paragraph) <= 80  # a long paragraph stays one line
    for line in kb("--content", str(pack), "search", "sigmoid").out.splitlines():
        assert line == line.rstrip() and "\x1b[" not in line


def test_faq_answers_short_first_and_whole_with_full():
    from kb.render import short_answer

    text = ("Yes: start with the first sentence.\n\nA long explanation that goes on.\n\n"
            "- point one\n- point two\n\nMore prose after the list.")
    short, more = short_answer(text)
    assert short == "Yes: start with the first sentence.\n\n- point one\n- point two" and more
    assert short_answer("Only one paragraph.") == ("Only one paragraph.", False)


def test_kb_faq_prints_the_short_answer_and_says_how_to_see_the_rest(kb):
    short = kb("faq", "how", "do", "I", "stop", "overfitting").out
    full = kb("faq", "how", "do", "I", "stop", "overfitting", "--full").out
    assert "--full" in short and "--full" not in full
    assert len(full) > len(short)


@pytest.mark.parametrize("argv", [
    ["show", "sigmoid", "--lang", "zh"],
    ["show", "--lang=zh", "sigmoid"],
    ["--lang", "zh", "show", "sigmoid"],
])
def test_global_options_work_anywhere(kb, pack, argv):
    result = kb("--content", str(pack), *argv)
    assert result.code == 0
    assert result.out.splitlines()[0] == "# sigmoid函数"  # the Chinese title, wherever --lang stood


def test_hoisting_keeps_everything_after_a_double_dash():
    from kb.cli import hoist_global_options

    assert hoist_global_options(["show", "x", "--lang", "zh"]) == ["--lang", "zh", "show", "x"]
    assert hoist_global_options(["search", "--", "--lang"]) == ["search", "--", "--lang"]
    assert hoist_global_options(["--user=ann", "quiz"]) == ["--user=ann", "quiz"]
