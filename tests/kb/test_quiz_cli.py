"""`kb quiz`, `kb progress` and `kb path` end to end through kb.cli.main, with the real
catalog over a small content pack (ids prefixed zzt- so shipped content never clashes).

The content index lives in a module-wide KB_HOME (built once); each test gets its own
progress store through KB_DATABASE_URL.
"""

from __future__ import annotations

import io
import json
import textwrap
from datetime import datetime, timedelta, timezone

import pytest

from kb.cli import main
from kb.progress import open_store

PACK = {
    "concepts/zzt-alpha.yaml": """
        id: zzt-alpha
        kind: concept
        title: {en: Alpha test concept, zh: 阿尔法测试概念}
        summary: {en: The first test concept., zh: 第一个测试概念。}
        tags: [zzt-fixture]
    """,
    "concepts/zzt-beta.yaml": """
        id: zzt-beta
        kind: concept
        title: {en: Beta test concept, zh: 贝塔测试概念}
        summary: {en: The second test concept., zh: 第二个测试概念。}
        tags: [zzt-fixture]
        prerequisites: [zzt-alpha]
    """,
    "quizzes/zzt-quiz.yaml": """
        id: zzt-quiz
        kind: quiz
        title: {en: Test quiz, zh: 测试测验}
        summary: {en: Three items., zh: 三道题。}
        tags: [zzt-fixture]
        items:
          - id: zzt-single
            type: single
            concepts: [zzt-alpha]
            question: {en: "Pick the second", zh: "选第二个"}
            choices: [{en: one, zh: 一}, {en: two, zh: 二}, {en: three, zh: 三}]
            answer: 1
            explanation: {en: Two is second., zh: 二排第二。}
          - id: zzt-tf
            type: true_false
            concepts: [zzt-beta]
            question: {en: "The sky is green", zh: "天空是绿色的"}
            answer: false
            explanation: {en: It is blue., zh: 是蓝色的。}
          - id: zzt-num
            type: numeric
            concepts: [zzt-beta]
            question: {en: "sigma(0)", zh: "sigma(0)"}
            answer: 0.5
            tolerance: 0.01
            explanation: {en: One half., zh: 二分之一。}
    """,
    "paths/zzt-path.yaml": """
        id: zzt-path
        kind: path
        title: {en: Test path, zh: 测试路径}
        summary: {en: Alpha then beta., zh: 先阿尔法后贝塔。}
        steps:
          - {do: read, ref: zzt-alpha}
          - {do: quiz, ref: zzt-alpha}
          - {do: read, ref: zzt-beta, note: {en: builds on alpha, zh: 建立在阿尔法之上}}
          - {do: quiz, ref: zzt-beta}
    """,
}


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    root = tmp_path_factory.mktemp("pack")
    for rel, text in PACK.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip(), "utf-8")
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


class Script(io.StringIO):
    """stdin that raises KeyboardInterrupt when it reaches a '^C' line."""

    def readline(self, *a):
        line = super().readline(*a)
        if line.strip() == "^C":
            raise KeyboardInterrupt
        return line


def kb(capsys, monkeypatch, pack, *argv, stdin: str = "", lang: str = "en"):
    monkeypatch.setattr("sys.stdin", Script(stdin))
    code = main(["--lang", lang, "--content", str(pack), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def reviews():
    with open_store() as s:
        return s.reviews()


def test_quiz_session_answers_ratings_and_summary(capsys, monkeypatch, pack):
    # single: right, accept Good; tf: wrong, override to Hard; num: right, Easy; then EOF
    code, out, err = kb(capsys, monkeypatch, pack, "quiz", "--tag", "zzt-fixture", "--new", "5",
                        stdin="b\n\nt\n2\n0.5\n4\n")
    assert code == 0, err
    assert "0 to review, 3 new" in out
    assert "Pick the second" in out and "B. two" in out
    assert "✓ Right." in out and "Two is second." in out
    assert "✗ Not quite. Answer: false" in out and "It is blue." in out
    assert "Session: 3 answered, 2 right" in out
    log = reviews()
    assert [(r.item_id, r.rating, r.correct, r.answer) for r in log] == [
        ("zzt-single", 3, True, "b"), ("zzt-tf", 2, False, "t"), ("zzt-num", 4, True, "0.5")]
    assert all(r.duration_ms is not None for r in log)


def test_quiz_in_chinese(capsys, monkeypatch, pack):
    code, out, _ = kb(capsys, monkeypatch, pack, "quiz", "--path", "zzt-path", "--new", "1",
                      stdin="2\n\n", lang="zh")
    assert code == 0
    assert "选第二个" in out and "✓ 正确。" in out and "二排第二。" in out
    assert "本次：作答 1 题" in out


def test_invalid_input_asks_again(capsys, monkeypatch, pack):
    code, out, _ = kb(capsys, monkeypatch, pack, "quiz", "--tag", "zzt-fixture", "--new", "1",
                      stdin="z\nb\nx\n\n")
    assert code == 0
    assert "'z' is not a choice" in out and "Type 1, 2, 3 or 4" in out
    assert [r.rating for r in reviews()] == [3]


def test_eof_after_answering_saves_with_proposed_rating(capsys, monkeypatch, pack):
    code, out, _ = kb(capsys, monkeypatch, pack, "quiz", "--tag", "zzt-fixture", stdin="a\n")
    assert code == 0
    assert [(r.item_id, r.rating, r.correct) for r in reviews()] == [("zzt-single", 1, False)]
    assert "Session: 1 answered" in out


def test_ctrl_c_keeps_what_was_answered(capsys, monkeypatch, pack):
    code, out, _ = kb(capsys, monkeypatch, pack, "quiz", "--tag", "zzt-fixture",
                      stdin="b\n\nf\n^C\n")
    assert code == 130
    assert [(r.item_id, r.rating) for r in reviews()] == [("zzt-single", 3), ("zzt-tf", 3)]
    assert "Session: 2 answered, 2 right" in out


def test_skip_and_quit(capsys, monkeypatch, pack):
    code, out, _ = kb(capsys, monkeypatch, pack, "quiz", "--tag", "zzt-fixture", stdin=":s\n:q\n")
    assert code == 0 and reviews() == []
    assert "Session: 0 answered" in out


def test_nothing_due(capsys, monkeypatch, pack):
    code, out, _ = kb(capsys, monkeypatch, pack, "quiz", "--tag", "zzt-fixture", "--new", "0")
    assert code == 0 and "Nothing to review now." in out


@pytest.mark.parametrize("argv, fragment", [
    (["quiz", "--path", "nope"], "no learning path 'nope'"),
    (["quiz", "--tag", "no-such-tag"], "no quiz items with tag 'no-such-tag'"),
    (["path", "nope"], "no learning path 'nope'"),
    (["path", "zzt-path", "--done", "2"], "is a quiz step"),
    (["path", "zzt-path", "--done", "9"], "step 9 does not exist"),
    (["progress", "settings", "desired_retention", "0.5"], "between 0.70 and 0.99"),
    (["progress", "import", "/no/such/file.json"], "cannot read"),
])
def test_user_errors_are_one_line(capsys, monkeypatch, pack, argv, fragment):
    code, out, err = kb(capsys, monkeypatch, pack, *argv)
    assert code != 0
    assert fragment in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_corrupt_store_is_a_clear_error(capsys, monkeypatch, pack, tmp_path):
    bad = tmp_path / "progress.sqlite"
    bad.write_bytes(b"garbage" * 100)
    code, _, err = kb(capsys, monkeypatch, pack, "progress")
    assert code == 5 and "damaged" in err and "Traceback" not in err  # unavailable (kb.errors)
    code, _, err = kb(capsys, monkeypatch, pack, "progress", lang="zh")
    assert "已损坏" in err
    assert bad.read_bytes() == b"garbage" * 100


def test_progress_json_and_text(capsys, monkeypatch, pack):
    kb(capsys, monkeypatch, pack, "quiz", "--tag", "zzt-fixture", stdin="b\n\nf\n\n")
    with open_store() as s:
        s.record_attempt("sigmoid", "pass", 1.0, 0, False)
    code, out, _ = kb(capsys, monkeypatch, pack, "progress", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["items"]["seen"] == 2 and data["due_now"] == 0
    # due after a learning step of minutes: today, or tomorrow when the test runs just before midnight
    assert data["forecast"][0]["due"] + data["forecast"][1]["due"] == 2 and len(data["forecast"]) == 14
    assert data["reviews_last_year"] == 2
    tag = next(m for m in data["mastery_by_tag"] if m["tag"] == "zzt-fixture")
    assert (tag["items"], tag["seen"]) == (3, 2)
    assert data["retention"]["desired"] == 0.9

    code, out, _ = kb(capsys, monkeypatch, pack, "progress")
    assert code == 0 and "Due now: 0" in out and "Retention" in out and "zzt-fixture" in out
    code, out, _ = kb(capsys, monkeypatch, pack, "progress", lang="zh")
    assert code == 0 and "现在到期：0" in out and "记忆保持率" in out


def test_export_then_import_on_another_machine(capsys, monkeypatch, pack, tmp_path):
    kb(capsys, monkeypatch, pack, "quiz", "--tag", "zzt-fixture", stdin="b\n\n")
    target = tmp_path / "backup.json"
    code, out, _ = kb(capsys, monkeypatch, pack, "progress", "export", str(target))
    assert code == 0 and "Exported 1 reviews" in out
    monkeypatch.setenv("KB_DATABASE_URL", f"sqlite:///{tmp_path / 'other.sqlite'}")
    code, out, _ = kb(capsys, monkeypatch, pack, "progress", "import", str(target))
    assert code == 0 and "1 new reviews" in out
    code, out, _ = kb(capsys, monkeypatch, pack, "progress", "import", str(target), lang="zh")
    assert code == 0 and "新增 0 条复习记录（1 条已存在）" in out
    assert len(reviews()) == 1


def test_settings_command(capsys, monkeypatch, pack):
    code, out, _ = kb(capsys, monkeypatch, pack, "progress", "settings", "new_per_session", "3")
    assert code == 0 and out.strip() == "new_per_session = 3"
    code, out, _ = kb(capsys, monkeypatch, pack, "progress", "settings")
    assert "desired_retention = 0.9" in out and "new_per_session = 3" in out


def test_path_list_show_and_next_step(capsys, monkeypatch, pack):
    code, out, _ = kb(capsys, monkeypatch, pack, "path")
    assert code == 0 and "zzt-path" in out and "0/4" in out

    code, out, _ = kb(capsys, monkeypatch, pack, "path", "zzt-path")
    assert code == 0
    assert "○  1. Read" in out and "Next: step 1" in out and "kb show zzt-alpha" in out

    code, out, _ = kb(capsys, monkeypatch, pack, "path", "zzt-path", "--done", "1")
    assert "✓  1. Read" in out and "Next: step 2 — kb quiz --path zzt-path" in out

    kb(capsys, monkeypatch, pack, "quiz", "--path", "zzt-path", "--new", "1", stdin="b\n\n")
    code, out, _ = kb(capsys, monkeypatch, pack, "path", "zzt-path", lang="zh")
    assert "✓  2. 测验" in out and "下一步：第 3 步" in out and "建立在阿尔法之上" in out

    code, out, _ = kb(capsys, monkeypatch, pack, "path", "zzt-path", "--json")
    data = json.loads(out)
    assert [s["state"] for s in data["steps"]] == ["done", "done", "todo", "todo"]
    assert data["next"]["index"] == 3


def test_due_review_comes_back(capsys, monkeypatch, pack):
    kb(capsys, monkeypatch, pack, "quiz", "--tag", "zzt-fixture", "--new", "1", stdin="b\n4\n")
    later = datetime.now(timezone.utc) + timedelta(days=60)
    monkeypatch.setattr("kb.progress.store.utcnow", lambda: later)
    code, out, _ = kb(capsys, monkeypatch, pack, "quiz", "--tag", "zzt-fixture", "--new", "0", stdin="b\n\n")
    assert code == 0 and "1 to review, 0 new" in out and "[new 0 · learning 0 · review 1] review" in out
    assert [r.state_before for r in reviews()] == [None, 2]


# --- :u undoes the last rating (issue 10, defect 2) -------------------------------------------


def test_undo_then_answer_again_stores_one_review(capsys, monkeypatch, pack):
    # single: right, Good; at the next question :u takes it back; single again: wrong, Again
    code, out, err = kb(capsys, monkeypatch, pack, "quiz", "--tag", "zzt-fixture", "--new", "5",
                        stdin=":u\nb\n\n:u\na\n\n")
    assert code == 0, err
    assert "Nothing to undo in this session." in out  # :u before any rating
    assert "Undone: your rating of zzt-single was taken back; answer it again." in out
    assert out.count("Pick the second") == 2  # asked again at once
    assert [(r.item_id, r.rating, r.answer) for r in reviews()] == [("zzt-single", 1, "a")]
    with open_store() as s:
        assert s.card("zzt-single").reps == 1
    assert "Session: 1 answered, 0 right (1 new, 0 reviews)." in out


def test_undo_at_the_rating_prompt_drops_the_unrated_answer(capsys, monkeypatch, pack):
    # single right (Good); tf answered wrong, and at its rating prompt :u: the tf answer is
    # never stored, single comes back first, then tf
    code, out, _ = kb(capsys, monkeypatch, pack, "quiz", "--tag", "zzt-fixture", "--new", "2",
                      stdin="b\n\nt\n:u\nc\n3\nf\n\n", lang="zh")
    assert code == 0
    assert "已撤销对 zzt-single 的评分；请重新作答。" in out and ":u 撤销上一次评分" in out
    assert [(r.item_id, r.answer) for r in reviews()] == [("zzt-single", "c"), ("zzt-tf", "f")]
    assert "本次：作答 2 题，答对 1 题" in out
