"""One error vocabulary (issue 10): every exit code of the table in kb.errors comes from a
real command; the same code means the same thing everywhere (an unknown exercise and an
unknown entry are both "not found", no results in search and in the FAQ are both "no
results"); a mistyped command, choice or id gets a "did you mean", in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb import errors

REPO = Path(__file__).resolve().parents[2]


# --- the table --------------------------------------------------------------------------------


def test_the_codes_are_distinct_and_documented_in_help_and_readme(kb):
    codes = [code for code, _, _ in errors.EXIT_CODES]
    assert len(codes) == len(set(codes))
    assert [errors.OK, errors.FAILED, errors.USAGE, errors.NOT_FOUND, errors.NO_RESULTS, errors.UNAVAILABLE,
            errors.REFUSED] == [0, 1, 2, 3, 4, 5, 6]
    for lang in ("en", "zh"):
        r = kb("--lang", lang, "--help")
        assert r.code == 0
        for code, en, zh in errors.EXIT_CODES:
            assert re.search(rf"^  {code}\s+{re.escape(en if lang == 'en' else zh)}$", r.out, re.M), (lang, code)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    documented = [int(m) for m in re.findall(r"^\| (\d+) +\|", section, re.M)]
    assert documented == codes


# --- each code from a real command ---------------------------------------------------------


def test_0_success(kb, pack):
    assert kb("--content", str(pack), "show", "relu").code == errors.OK


def test_1_a_validation_that_found_failures(kb, pack, write):
    write(pack, "concepts/broken.yaml", "id: broken\nkind: concept\n")
    r = kb("validate", str(pack))
    assert r.code == errors.FAILED and "broken" in r.out


@pytest.mark.parametrize("argv", [["--bogus"], ["serach", "relu"], ["search"], ["list", "--kind", "blog"]])
def test_2_usage(kb, pack, argv):
    r = kb("--content", str(pack), *argv)
    assert r.code == errors.USAGE and r.out == "" and r.err.count("\n") == 1


def test_3_unknown_entry_and_unknown_exercise_share_one_code(kb, pack):
    entry = kb("--content", str(pack), "show", "no-such-thing")
    exercise = kb("--content", str(pack), "exercise", "check", "no-such-thing")
    path = kb("--content", str(pack), "path", "no-such-thing")
    assert entry.code == exercise.code == path.code == errors.NOT_FOUND
    assert "no entry with id 'no-such-thing'" in entry.err
    assert "no exercise 'no-such-thing'" in exercise.err
    assert "no learning path 'no-such-thing'" in path.err


def test_3_an_unknown_setting_tag_and_a_missing_import_file(kb, pack, tmp_path):
    assert kb("progress", "settings", "colour", "blue").code == errors.NOT_FOUND
    assert kb("--content", str(pack), "list", "--tag", "no-such-tag").code == errors.NOT_FOUND
    assert kb("progress", "import", str(tmp_path / "nothing.json")).code == errors.NOT_FOUND


def test_4_no_results_means_the_same_in_search_faq_and_list(kb, pack):
    search = kb("--content", str(pack), "search", "xylophone")
    faq = kb("--content", str(pack), "faq", "xylophone")
    listed = kb("--content", str(pack), "list", "--kind", "exercise")  # the pack has none
    assert search.code == faq.code == listed.code == errors.NO_RESULTS
    assert search.out == faq.out == listed.out == ""
    assert kb("--content", str(pack), "search", "xylophone", "--json").code == errors.NO_RESULTS


def test_5_an_unusable_progress_store(kb, pack, kb_home):
    store = kb_home / "data" / "progress.sqlite"
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_bytes(b"not a database" * 100)
    r = kb("--content", str(pack), "progress", "settings")
    assert r.code == errors.UNAVAILABLE and "Traceback" not in r.err and r.err.count("\n") == 1
    assert store.read_bytes() == b"not a database" * 100  # untouched


def test_5_an_unreadable_content_pack(kb, tmp_path):
    assert kb("--content", str(tmp_path / "missing"), "list").code == errors.UNAVAILABLE


def test_6_a_locked_solution(kb, monkeypatch):
    monkeypatch.setenv("KB_LANG", "en")
    r = kb("exercise", "solution", "sigmoid")  # the shipped exercise, never attempted
    assert r.code == errors.REFUSED and "0 so far" in r.err and "def sigmoid" not in r.out


# --- did you mean --------------------------------------------------------------------------


@pytest.mark.parametrize("argv, suggestion", [
    (["serach", "relu"], "'search'"),
    (["shwo", "relu"], "'show'"),
    (["exercise", "chek", "sigmoid"], "'check'"),
    (["progress", "setings"], "'settings'"),
    (["search", "relu", "--kind", "concpt"], "'concept'"),
])
def test_a_mistyped_command_or_choice_suggests_the_nearest(kb, pack, argv, suggestion):
    r = kb("--content", str(pack), *argv)
    assert r.code == errors.USAGE and r.out == ""
    assert f"did you mean {suggestion}?" in r.err and r.err.count("\n") == 1
    zh = kb("--lang", "zh", "--content", str(pack), *argv)
    assert f"你是不是要找“{suggestion.strip(chr(39))}”？" in zh.err and zh.code == errors.USAGE


def test_the_command_suggestion_names_the_command_not_the_whole_list(kb):
    r = kb("serach", "relu")
    assert r.err == "kb: unknown command 'serach'; did you mean 'search'? (see `kb --help`)\n"
    r = kb("zzzzzz")
    assert "unknown command 'zzzzzz' (choose from validate, schema," in r.err  # nothing near: the list


def test_a_mistyped_entry_id_suggests_the_nearest_ids(kb, pack):
    r = kb("--content", str(pack), "show", "reul")
    assert r.code == errors.NOT_FOUND and "did you mean 'relu'" in r.err
    r = kb("--lang", "zh", "--content", str(pack), "show", "reul")
    assert "没有 id 为“reul”的条目；你是不是要找“relu”" in r.err


def test_a_mistyped_path_id_suggests_the_path(kb, pack):
    r = kb("--content", str(pack), "path", "activation-path")
    assert r.code == errors.NOT_FOUND and "did you mean 'activations-path'?" in r.err
    r = kb("--content", str(pack), "quiz", "--path", "activation-path")
    assert r.code == errors.NOT_FOUND and "did you mean 'activations-path'?" in r.err


def test_a_mistyped_exercise_id_suggests_the_exercise(kb):
    r = kb("--lang", "en", "exercise", "hint", "sigmiod")  # the shipped exercises
    assert r.code == errors.NOT_FOUND and "did you mean 'sigmoid'" in r.err and r.err.count("\n") == 1
    r = kb("--lang", "zh", "exercise", "start", "sigmiod")
    assert "没有名为“sigmiod”的练习；你是不是要找“sigmoid”" in r.err


def test_nearest_folds_case_and_separators():
    assert errors.nearest("DESIRED-RETENTION", ["desired_retention", "lang"]) == ["desired_retention"]
    assert errors.nearest("zzz", ["search", "show"]) == []
    assert errors.did_you_mean("zzz", ["search"], "en") == ""


# --- the sentence for the TUI ------------------------------------------------------------------


def test_explain_never_shows_a_type_name():
    from kb.progress import ProgressStoreError

    store = ProgressStoreError("The progress store is locked. Close the other kb.", "进度存储被锁定。请关闭另一个 kb。")
    assert errors.explain(store, "zh") == "进度存储被锁定。请关闭另一个 kb。"
    denied = PermissionError(13, "Permission denied", "/x/relu.py")
    for exc in (denied, FileNotFoundError(2, "No such file", "/x/a.py"), OSError(28, "No space left on device"),
                UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), KeyError("boom")):
        for lang in ("en", "zh"):
            text = errors.explain(exc, lang)
            assert type(exc).__name__ not in text and text.endswith(("。", "."))
    assert "/x/relu.py" in errors.explain(denied, "en") and "权限" in errors.explain(denied, "zh")
    assert "Try again" in errors.explain(KeyError("boom"), "en")


# --- kb exercise open -----------------------------------------------------------------------------


def test_exercise_open_runs_the_editor_on_the_learners_file(kb, monkeypatch, tmp_path):
    import sys

    from kb import exercises

    script = tmp_path / "editor"
    script.write_text(f"#!{sys.executable}\nimport sys\nopen(sys.argv[-1], 'a').write('# edited\\n')\n")
    script.chmod(0o755)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{script} --wait")  # a value may carry options
    r = kb("--lang", "en", "exercise", "open", "sigmoid")
    path = exercises.learner_path("sigmoid")
    assert r.code == errors.OK and r.out.strip() == str(path)
    assert "Created" in r.err and path.read_text().endswith("# edited\n")  # created from the starter, then edited
    monkeypatch.setenv("EDITOR", "")
    r = kb("--lang", "zh", "exercise", "open", "sigmoid")
    assert r.code == errors.UNAVAILABLE and "没有设置编辑器" in r.err and r.err.count("\n") == 1
    monkeypatch.setenv("VISUAL", str(tmp_path / "no-such-editor"))
    r = kb("--lang", "en", "exercise", "open", "sigmoid")
    assert r.code == errors.UNAVAILABLE and "could not be started" in r.err
    assert path.read_text().endswith("# edited\n")  # untouched by the failures
    assert kb("--lang", "en", "exercise", "open", "sigmiod").code == errors.NOT_FOUND
