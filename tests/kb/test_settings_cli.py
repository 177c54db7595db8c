"""`kb progress settings`: a mistyped key is refused with a "did you mean" and the keys
there are (issue 10, defect 6: `kb progress settings desired_retension 0.85` used to
store it and exit 0), values are range-checked, in both languages; exit status 3 for an unknown
key (not found), 2 for a bad value (usage), as kb.errors says."""

from __future__ import annotations

import textwrap

import pytest

from kb.cli import main
from kb.progress import open_store

PATH = """
    id: zzs-path
    kind: path
    title: {en: Settings test path, zh: 设置测试路径}
    summary: {en: One step., zh: 一步。}
    steps:
      - {do: read, ref: zzs-concept}
"""
CONCEPT = """
    id: zzs-concept
    kind: concept
    title: {en: Settings test concept, zh: 设置测试概念}
    summary: {en: A concept., zh: 一个概念。}
"""


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    root = tmp_path_factory.mktemp("pack")
    for rel, text in (("paths/zzs-path.yaml", PATH), ("concepts/zzs-concept.yaml", CONCEPT)):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text).lstrip(), "utf-8")
    return root


@pytest.fixture(scope="module")
def shared_home(tmp_path_factory):
    return tmp_path_factory.mktemp("home")


@pytest.fixture(autouse=True)
def env(shared_home, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_HOME", str(shared_home))
    monkeypatch.setenv("KB_DATABASE_URL", f"sqlite:///{tmp_path / 'progress.sqlite'}")
    monkeypatch.delenv("KB_LANG", raising=False)
    monkeypatch.delenv("KB_CONTENT_PATH", raising=False)


def kb(capsys, pack, *argv, lang="en"):
    code = main(["--lang", lang, "--content", str(pack), "progress", "settings", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def stored():
    with open_store() as s:
        return s.settings()


def test_a_mistyped_key_is_refused_with_did_you_mean(capsys, pack):
    code, out, err = kb(capsys, pack, "desired_retension", "0.85")
    assert code == 3 and out == ""
    assert err.strip() == (
        "kb: unknown setting 'desired_retension'; did you mean 'desired_retention'? Known settings: "
        "current_path, desired_retention, lang, new_per_session, tui.theme (see `kb progress settings`)")
    assert "desired_retension" not in stored()


def test_in_chinese_and_without_a_close_match(capsys, pack):
    code, _, err = kb(capsys, pack, "new_per_sesion", "5", lang="zh")
    assert code == 3
    assert "没有名为“new_per_sesion”的设置；你是不是想输入“new_per_session”？" in err
    assert "可用的设置：current_path, desired_retention, lang, new_per_session, tui.theme" in err
    code, _, err = kb(capsys, pack, "colour", "blue")
    assert code == 3 and "unknown setting 'colour'. Known settings:" in err and "did you mean" not in err
    assert len(err.strip().splitlines()) == 1
    assert "new_per_sesion" not in stored() and "colour" not in stored()


def test_reading_a_mistyped_key_is_refused_too(capsys, pack):
    code, out, err = kb(capsys, pack, "desired_retension")
    assert code == 3 and out == "" and "did you mean 'desired_retention'?" in err
    code, out, _ = kb(capsys, pack, "desired_retention")
    assert code == 0 and out.strip() == "0.9"


@pytest.mark.parametrize("key, value, en, zh", [
    ("desired_retention", "0.5", "between 0.70 and 0.99", "0.70 到 0.99"),
    ("desired_retention", "1", "between 0.70 and 0.99", "0.70 到 0.99"),
    ("desired_retention", "high", "must be a number", "0.70 到 0.99"),
    ("new_per_session", "-1", "from 0 to 1000", "0 到 1000 的整数"),
    ("new_per_session", "2.5", "from 0 to 1000", "0 到 1000 的整数"),
    ("new_per_session", "1001", "from 0 to 1000", "0 到 1000 的整数"),
    ("lang", "fr", "'en' or 'zh'", "'en' 或 'zh'"),
    ("current_path", "no-such-path", "no path 'no-such-path'", "学习路径的 id"),
    ("current_path", "zzs-concept", "learning path id", "学习路径的 id"),
    ("tui.theme", '""', "theme name", "主题名"),
])
def test_values_out_of_range_are_refused(capsys, pack, key, value, en, zh):
    before = stored()
    code, _, err = kb(capsys, pack, key, value)
    assert code == 2 and en in err and len(err.strip().splitlines()) == 1
    code, _, err = kb(capsys, pack, key, value, lang="zh")
    assert code == 2 and zh in err
    assert stored() == before


@pytest.mark.parametrize("key, value, shown", [
    ("desired_retention", "0.85", "0.85"),
    ("desired_retention", "0.7", "0.7"),
    ("desired_retention", "0.99", "0.99"),
    ("new_per_session", "0", "0"),
    ("new_per_session", "1000", "1000"),
    ("lang", "zh", '"zh"'),
    ("current_path", "zzs-path", '"zzs-path"'),
    ("tui.theme", "textual-light", '"textual-light"'),
])
def test_known_keys_with_values_in_range_are_stored(capsys, pack, key, value, shown):
    code, out, err = kb(capsys, pack, key, value)
    assert code == 0, err
    assert out.strip() == f"{key} = {shown}"


def test_the_list_shows_every_known_setting(capsys, pack):
    code, out, _ = kb(capsys, pack)
    assert code == 0
    keys = [line.split(" = ")[0] for line in out.strip().splitlines()]
    assert keys == ["current_path", "desired_retention", "lang", "new_per_session", "tui.theme"]
    assert "desired_retention = 0.9" in out and "lang = null" in out
