"""Content text never drives the terminal: escape sequences, control characters and bidi
overrides in a pack's titles and bodies are stripped from what `kb show`, `kb search`,
`kb list`, `kb faq`, `kb quiz` and `kb path` print."""

from __future__ import annotations

import io

import pytest

from kb.text import terminal_safe

UNSAFE = ("\x1b", "\x07", "\x9b", "\x7f", "\u202e", "\r")

EVIL = {
    "concepts/zz-evil.yaml": r'''
        id: zz-evil
        kind: concept
        title: {en: "Evil \e[2Jtitle\a here", zh: "邪恶\e[2J标题\a"}
        summary: {en: "Summary \e]0;pwned\a with a bell \a.", zh: "摘要\a。"}
        body:
          en: "Body \e[31mred\e[0m text, a bell \a, an \u202Eoverride, a \x9b31m C1 CSI, a \x7f DEL."
          zh: "正文\e[2J。"
    ''',
    "faqs/zz-evil-faq.yaml": r'''
        id: zz-evil-faq
        kind: faq
        title: {en: "Evil \e[2Jquestion\a", zh: "邪恶问题\a"}
        summary: {en: "A hostile FAQ.", zh: "恶意问答。"}
        question: {en: "Why \e[2Jevil\a?", zh: "为什么\a？"}
        answer: {en: "Because \e]52;c;cGF5bG9hZA==\a clipboard.", zh: "因为\a。"}
    ''',
    "quizzes/zz-evil-quiz.yaml": r'''
        id: zz-evil-quiz
        kind: quiz
        title: {en: "Evil quiz", zh: "恶意测验"}
        summary: {en: "One item.", zh: "一道题。"}
        tags: [zz-evil]
        items:
          - id: zz-evil-item
            type: single
            concepts: [zz-evil]
            question: {en: "Pick \e[2Jone\a", zh: "选\a一"}
            choices: [{en: "first \e[5mblink", zh: 一}, {en: "second\a", zh: 二}]
            answer: 0
            explanation: {en: "Because \e[2Jreasons\a.", zh: "原因\a。"}
    ''',
    "paths/zz-evil-path.yaml": r'''
        id: zz-evil-path
        kind: path
        title: {en: "Evil \e[2Jpath\a", zh: "恶意路径\a"}
        summary: {en: "One step.", zh: "一步。"}
        steps:
          - {do: read, ref: zz-evil, note: {en: "note \e[2J\a here", zh: "注\a"}}
    ''',
}


@pytest.fixture
def evil(tmp_path, shipped, write):
    root = tmp_path / "evil"
    for rel, text in EVIL.items():
        write(root, rel, text)
    return root


def assert_clean(text: str) -> None:
    for ch in UNSAFE:
        assert ch not in text, f"{ch!r} reached the terminal in {text!r}"
    assert "[2J" not in text  # the whole sequence went, not only its ESC


def test_the_pack_really_carries_control_characters(evil):
    from kb.content import load_roots

    content = load_roots([evil])
    assert not [p for p in content.problems if p.severity == "error"], content.problems
    entry = content.entries["zz-evil"]
    assert "\x1b[2J" in entry.title.en and "\x07" in entry.title.en


def test_kb_show_strips_them(kb, evil):
    res = kb("--content", str(evil), "show", "zz-evil")
    assert res.code == 0, res.err
    assert "Evil title here" in res.out and "Body red text" in res.out
    assert_clean(res.out)
    res = kb("--content", str(evil), "--lang", "zh", "show", "zz-evil")
    assert res.code == 0 and "邪恶标题" in res.out
    assert_clean(res.out)


def test_kb_search_and_list_strip_them(kb, evil):
    res = kb("--content", str(evil), "search", "evil")
    assert res.code == 0, res.err
    assert "Evil title here" in res.out
    assert_clean(res.out)
    res = kb("--content", str(evil), "search", "override")  # a snippet from the body
    assert res.code == 0 and "override" in res.out
    assert_clean(res.out)
    res = kb("--content", str(evil), "list")
    assert res.code == 0 and "Evil title here" in res.out
    assert_clean(res.out)


def test_kb_faq_strips_them(kb, evil):
    res = kb("--content", str(evil), "faq", "evil")
    assert res.code == 0, res.err
    assert "Because" in res.out and "clipboard" in res.out
    assert_clean(res.out)
    assert "cGF5bG9hZA" not in res.out  # the OSC 52 payload went with its sequence
    res = kb("--content", str(evil), "faq")
    assert_clean(res.out)


def test_kb_quiz_and_path_strip_them(kb, evil, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("b\n\n"))
    res = kb("--content", str(evil), "quiz", "--tag", "zz-evil")
    assert res.code == 0, res.err
    assert "Pick one" in res.out and "first blink" in res.out and "Because reasons." in res.out
    assert_clean(res.out)
    res = kb("--content", str(evil), "path", "zz-evil-path")
    assert res.code == 0 and "Evil path" in res.out and "note  here" in res.out
    assert_clean(res.out)
    res = kb("--content", str(evil), "path")
    assert_clean(res.out)


def test_markup_in_a_title_is_text_not_style(kb, tmp_path, shipped, write, concept):
    root = tmp_path / "markup"
    write(root, "concepts/zz-markup.yaml", concept("zz-markup", en="Use [red]x[/] and [/bold] here"))
    res = kb("--content", str(root), "search", "zz-markup")
    assert res.code == 0, res.err
    assert "Use [red]x[/] and [/bold] here" in res.out  # literal, and no MarkupError


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("a\x1b[2Jb", "ab"),
        ("bell\x07", "bell"),
        ("\x9b31mred", "red"),
        ("\x1b]0;title\x07after", "after"),
        ("\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x1b]0;no terminator\nnext line", "\nnext line"),
        ("keep\n\tthese", "keep\n\tthese"),
        ("a\rb\x00c\x7fd\x85e", "abcde"),
        ("\u202eevil\u202c \u2066iso\u2069", "evil iso"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("中文\x1b[1m粗\x1b[0m", "中文粗"),
        ("emoji 👩\u200d💻 [markup]", "emoji 👩\u200d💻 [markup]"),
    ],
)
def test_terminal_safe(raw, clean):
    assert terminal_safe(raw) == clean
    assert terminal_safe(clean) == clean
