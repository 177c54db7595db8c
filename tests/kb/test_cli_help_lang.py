"""`--help` and usage errors follow the chosen language (issue 10, defect 8): `--lang zh`
anywhere on the line, `KB_LANG=zh`, or the language the learner saved in the app; and
every command's help has a Chinese twin."""

from __future__ import annotations

import re

import pytest

ENGLISH_RUN = re.compile(r"\b[a-z]{2,} [a-z]{2,} [a-z]{2,}\b")  # three English words in a row


def subcommands(help_text: str) -> list[str]:
    """The subcommands a help text lists under its COMMAND / ACTION / FORMAT slot."""
    names, inside = [], False
    for line in help_text.splitlines():
        if re.fullmatch(r"  (COMMAND|ACTION|FORMAT)", line):
            inside = True
        elif inside and (m := re.match(r"    ([a-z][a-z-]*)(\s|$)", line)):
            names.append(m.group(1))
        elif inside and not line.startswith("      "):
            inside = False
    return names


def all_help_pages(kb, lang: str) -> dict[tuple[str, ...], str]:
    pages: dict[tuple[str, ...], str] = {}
    todo: list[tuple[str, ...]] = [()]
    while todo:
        path = todo.pop()
        r = kb("--lang", lang, *path, "--help")
        assert r.code == 0, (path, r.err)
        pages[path] = r.out
        todo += [(*path, name) for name in subcommands(r.out)]
    return pages


def test_every_help_page_has_a_chinese_twin(kb):
    en, zh = all_help_pages(kb, "en"), all_help_pages(kb, "zh")
    assert en.keys() == zh.keys()
    assert {("search",), ("exercise", "check"), ("exercise", "open"), ("progress", "settings"),
            ("class", "grade"), ("export", "anki")} <= set(en)
    for path, text in zh.items():
        assert text.startswith("用法：kb"), path
        assert "options:" not in text and "positional arguments:" not in text and "show this help" not in text, path
        body = "\n".join(line for line in text.splitlines()  # the usage lines name options, not prose
                         if not line.startswith("用法：")
                         and (not line.startswith(" " * 10) or re.search(r"[\u4e00-\u9fff]", line)))
        english = ENGLISH_RUN.findall(re.sub(r"`[^`]*`|\([^)]*\)|（[^）]*）", "", body))
        assert not english, (path, english)  # a help string without its Chinese twin
    for path, text in en.items():
        assert not re.search(r"[\u4e00-\u9fff]", text.replace("中文", "")), path  # and English stays English


@pytest.mark.parametrize("where", ["front", "end"])
def test_lang_anywhere_on_the_line(kb, where):
    argv = ["--lang", "zh", "search", "--help"] if where == "front" else ["search", "--help", "--lang", "zh"]
    r = kb(*argv)
    assert r.code == 0 and r.out.startswith("用法：kb search")
    assert "选项：" in r.out and "显示此帮助并退出" in r.out and "最多 N 条结果（默认 10）" in r.out


def test_kb_lang_environment(kb, monkeypatch):
    monkeypatch.setenv("KB_LANG", "zh")
    r = kb("--help")
    assert r.out.startswith("用法：kb") and "退出码：" in r.out
    assert kb("--lang", "en", "--help").out.startswith("usage: kb")  # the flag beats the environment


def test_the_learners_saved_language(kb, monkeypatch):
    assert kb("progress", "settings", "lang", "zh").code == 0  # as the app's ctrl+l saves it
    r = kb("--help")
    assert r.out.startswith("用法：kb") and "位置参数：" in r.out
    r = kb("serach", "relu")
    assert r.code == 2 and r.err.startswith("kb：没有“serach”这个命令；你是不是要找“search”？")
    assert kb("--lang", "en", "--help").out.startswith("usage: kb")
    monkeypatch.setenv("KB_LANG", "en")
    assert kb("--help").out.startswith("usage: kb")  # KB_LANG beats the saved choice
    monkeypatch.setenv("KB_LANG", "")
    assert kb("--user", "someone-else", "--help").out.startswith("usage: kb")  # another learner's choice


@pytest.mark.parametrize("argv, zh", [
    (["--bogus"], "kb：无法识别的参数：--bogus（见 `kb --help`）\n"),
    (["search"], "kb：缺少必需的参数：query（见 `kb search --help`）\n"),
    (["search", "x", "--limit", "many"], "kb：参数 --limit：“many”不是整数（见 `kb search --help`）\n"),
    (["search", "x", "--limit"], "kb：参数 --limit 需要一个值（见 `kb search --help`）\n"),
    (["list", "--kind", "blog"], "kb：参数 --kind 的取值“blog”无效（可选：concept, faq, tool, application, "),
    (["exercise", "check", "x", "y"], "kb：无法识别的参数：y（见 `kb --help`）\n"),
])
def test_usage_errors_in_chinese(kb, argv, zh):
    r = kb("--lang", "zh", *argv)
    assert r.code == 2 and r.out == "" and r.err.count("\n") == 1
    assert r.err.startswith(zh)
    en = kb("--lang", "en", *argv)
    assert en.code == 2 and not re.search(r"[\u4e00-\u9fff]", en.err)


def test_help_stays_light_in_chinese(tmp_path):
    """The language is chosen without SQLAlchemy: `kb --help` reads the saved choice with sqlite3."""
    import json
    import os
    import subprocess
    import sys

    program = (
        "import json, sys\n"
        "from kb.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit as exc:\n    code = exc.code\n"
        "print('@@' + json.dumps([code, sorted({m.split('.')[0] for m in sys.modules})]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("KB_LANG", "KB_CONTENT_PATH")}
    env["KB_HOME"] = str(tmp_path)
    assert subprocess.run([sys.executable, "-m", "kb", "progress", "settings", "lang", "zh"], env=env,
                          capture_output=True, timeout=300).returncode == 0
    proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=300)
    code, modules = json.loads(proc.stdout.rsplit("@@", 1)[1])
    assert code == 0 and proc.stdout.startswith("用法：kb")  # the saved choice, read without SQLAlchemy
    assert {"textual", "sqlalchemy", "numpy", "rich"} & set(modules) == set()
