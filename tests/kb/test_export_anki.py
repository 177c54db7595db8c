"""``kb export anki``: the .apkg is a zip holding an SQLite Anki collection; its notes are
counted, their fields read, the deck named in the chosen language, the guids stable across
exports, and ``--tag`` filters."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from kb.export.anki import DECK_NAMES, QUIZ_FIELDS, CONCEPT_FIELDS, html_text, note_guid, stable_id

QUIZ = """\
id: export-quiz
kind: quiz
title: {en: Export quiz, zh: 导出测验}
summary: {en: Items of every type., zh: 每种题型各一道。}
tags: [activation]
items:
  - id: ex-single
    type: single
    concepts: [relu-x]
    question: {en: 'What is ReLU(-2)?', zh: 'ReLU(-2) 等于多少？'}
    choices: [{en: '-2', zh: '-2'}, {en: '0', zh: '0'}, {en: '2', zh: '2'}]
    answer: 1
    explanation: {en: 'max(0, x) clips x < 0 to 0.', zh: 'max(0, x) 把 x < 0 截为 0。'}
  - id: ex-multiple
    type: multiple
    concepts: [relu-x]
    question: {en: Which are nonlinear?, zh: 哪些是非线性的？}
    choices: [{en: ReLU, zh: ReLU}, {en: identity, zh: 恒等函数}, {en: tanh, zh: tanh}]
    answers: [0, 2]
    explanation: {en: The identity is linear., zh: 恒等函数是线性的。}
  - id: ex-true-false
    type: true_false
    concepts: [relu-x]
    question: {en: ReLU is differentiable at 0., zh: ReLU 在 0 处可导。}
    answer: false
    explanation: {en: It has a kink at 0., zh: 它在 0 处有折点。}
  - id: ex-numeric
    type: numeric
    concepts: [relu-x]
    question: {en: 'What is σ(0)?', zh: 'σ(0) 等于多少？'}
    answer: 0.5
    tolerance: 0.01
    explanation: {en: 'σ(0) = 1 / (1 + e⁰) = 1/2.', zh: 'σ(0) = 1 / (1 + e⁰) = 1/2。'}
"""

QUIZ_OTHER = """\
id: other-quiz
kind: quiz
title: {en: Other quiz, zh: 其他测验}
summary: {en: An untagged item., zh: 一道没有标签的题。}
items:
  - id: ex-short
    type: short
    concepts: [attn-x]
    question: {en: Over which axis is the attention softmax taken?, zh: 注意力的 softmax 沿哪个轴计算？}
    accepted: {en: [keys, over the keys, the key axis], zh: [键, 键的维度]}
    explanation: {en: Each query's weights over the keys sum to 1., zh: 每个查询对所有键的权重之和为 1。}
"""


def _concepts(write, concept, root: Path) -> None:
    write(root, "concepts/relu-x.yaml", concept(
        "relu-x", en="ReLU x", zh="修正线性单元 x",
        extra="tags: [activation]\nformulas:\n  - {expr: 'ReLU(x) = max(0, x) for x < 0 → 0'}\n"))
    write(root, "concepts/attn-x.yaml", concept("attn-x", en="Attention x", zh="注意力 x",
                                                 extra="tags: [attention]\n"))


@pytest.fixture
def pack(tmp_path, shipped, write, concept) -> Path:  # noqa: F811 - a pack of our own
    root = tmp_path / "export-pack"
    _concepts(write, concept, root)
    write(root, "quizzes/export-quiz.yaml", QUIZ)
    write(root, "quizzes/other-quiz.yaml", QUIZ_OTHER)
    return root


def _open(apkg: Path, tmp_path: Path) -> sqlite3.Connection:
    assert zipfile.is_zipfile(apkg)
    with zipfile.ZipFile(apkg) as z:
        assert "collection.anki2" in z.namelist()
        out = tmp_path / f"{apkg.stem}-collection.anki2"
        out.write_bytes(z.read("collection.anki2"))
    con = sqlite3.connect(out)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    return con


def _notes(con) -> dict[str, list[str]]:
    """Item/concept id (the last field) → fields."""
    out = {}
    for flds, in con.execute("select flds from notes"):
        fields = flds.split("\x1f")
        out[fields[-1]] = fields
    return out


def _deck_names(con) -> set[str]:
    decks = json.loads(con.execute("select decks from col").fetchone()[0])
    return {d["name"] for d in decks.values()}


def _guids(con) -> dict[str, str]:
    return {flds.split("\x1f")[-1]: guid for guid, flds in con.execute("select guid, flds from notes")}


def test_export_writes_every_item_once_with_its_fields(kb, pack, tmp_path):
    out = tmp_path / "en.apkg"
    r = kb("--content", str(pack), "export", "anki", str(out), "--lang", "en")
    assert r.code == 0, r.err
    assert "5 notes" in r.out
    con = _open(out, tmp_path)
    notes = _notes(con)
    assert sorted(notes) == ["ex-multiple", "ex-numeric", "ex-short", "ex-single", "ex-true-false"]
    assert con.execute("select count(*) from notes").fetchone()[0] == 5
    assert con.execute("select count(*) from cards").fetchone()[0] == 5
    assert all(len(f) == len(QUIZ_FIELDS) for f in notes.values())
    q, choices, answer, explanation, concepts, ident = notes["ex-single"]
    assert q == "What is ReLU(-2)?"
    assert choices == "<div>A. -2</div><div>B. 0</div><div>C. 2</div>"  # choices on the front
    assert answer == "B. 0"
    assert explanation == "max(0, x) clips x &lt; 0 to 0."  # escaped HTML, formula kept as text
    assert concepts == "relu-x" and ident == "ex-single"
    assert notes["ex-multiple"][2] == "A. ReLU<br>C. tanh"
    assert notes["ex-true-false"][2] == "false"
    assert notes["ex-numeric"][2] == "0.5 (± 0.01)"
    assert notes["ex-numeric"][3] == "σ(0) = 1 / (1 + e⁰) = 1/2."  # Unicode formula untouched
    assert notes["ex-short"][2] == "keys / over the keys / the key axis"
    assert _deck_names(con) >= {DECK_NAMES["en"]}


def test_chinese_deck_and_cards(kb, pack, tmp_path):
    out = tmp_path / "zh.apkg"
    r = kb("--content", str(pack), "export", "anki", str(out), "--lang", "zh")
    assert r.code == 0, r.err
    con = _open(out, tmp_path)
    assert "kb · 深度学习与大模型" in _deck_names(con)
    notes = _notes(con)
    assert notes["ex-single"][0] == "ReLU(-2) 等于多少？"
    assert notes["ex-true-false"][2] == "错"
    assert notes["ex-short"][2] == "键 / 键的维度"


def test_interface_language_is_the_default(kb, pack, tmp_path):
    out = tmp_path / "default.apkg"
    r = kb("--lang", "zh", "--content", str(pack), "export", "anki", str(out))
    assert r.code == 0, r.err
    assert "已将 5 条笔记" in r.out
    assert "kb · 深度学习与大模型" in _deck_names(_open(out, tmp_path))


def test_both_languages_on_each_card(kb, pack, tmp_path):
    out = tmp_path / "both.apkg"
    assert kb("--content", str(pack), "export", "anki", str(out), "--lang", "both").code == 0
    con = _open(out, tmp_path)
    assert DECK_NAMES["both"] in _deck_names(con)
    q, choices, answer, *_ = _notes(con)["ex-single"]
    assert "ReLU(-2) 等于多少？" in q and "What is ReLU(-2)?" in q
    assert answer == "B. 0"  # the same in both languages: shown once
    assert _notes(con)["ex-true-false"][2] == "错 / false"


def test_exporting_twice_gives_the_same_guids_and_ids(kb, pack, tmp_path):
    first, second, chinese = tmp_path / "1.apkg", tmp_path / "2.apkg", tmp_path / "3.apkg"
    assert kb("--content", str(pack), "export", "anki", str(first), "--concepts").code == 0
    assert kb("--content", str(pack), "export", "anki", str(second), "--concepts").code == 0
    assert kb("--content", str(pack), "export", "anki", str(chinese), "--concepts", "--lang", "zh").code == 0
    a, b, c = (_open(p, tmp_path) for p in (first, second, chinese))
    guids = _guids(a)
    assert len(set(guids.values())) == len(guids) == 8  # 5 items + 3 concepts (one from the stand-in)
    assert guids == _guids(b) == _guids(c)  # the language does not change a note's identity
    assert guids["ex-single"] == note_guid("quiz", "ex-single")
    models = lambda con: set(json.loads(con.execute("select models from col").fetchone()[0]))  # noqa: E731
    assert models(a) == models(b) == models(c)
    decks = lambda con: set(json.loads(con.execute("select decks from col").fetchone()[0]))  # noqa: E731
    assert decks(a) == decks(b)
    assert stable_id("x") == stable_id("x") and 1 << 30 <= stable_id("x") < 1 << 31


def test_concept_cards(kb, pack, tmp_path):
    out = tmp_path / "concepts.apkg"
    r = kb("--content", str(pack), "export", "anki", str(out), "--concepts", "--lang", "zh")
    assert r.code == 0, r.err
    notes = _notes(_open(out, tmp_path))
    fields = notes["relu-x"]
    assert len(fields) == len(CONCEPT_FIELDS)
    assert fields[0] == "修正线性单元 x"
    assert "ReLU(x) = max(0, x) for x &lt; 0 → 0" in fields[2]
    # the stand-in shipped knowledge base's concept is exported too
    assert "neural-network" in notes


def test_tag_filters_items_and_concepts(kb, pack, tmp_path):
    out = tmp_path / "tag.apkg"
    r = kb("--content", str(pack), "export", "anki", str(out), "--tag", "attention", "--concepts")
    assert r.code == 0, r.err
    con = _open(out, tmp_path)
    assert sorted(_notes(con)) == ["attn-x", "ex-short"]
    assert any(name.endswith("::attention") for name in _deck_names(con))
    out2 = tmp_path / "tag2.apkg"
    assert kb("--content", str(pack), "export", "anki", str(out2), "--tag", "activation").code == 0
    assert sorted(_notes(_open(out2, tmp_path))) == ["ex-multiple", "ex-numeric", "ex-single", "ex-true-false"]


def test_unknown_tag_and_bad_paths_are_user_errors(kb, pack, tmp_path):
    r = kb("--content", str(pack), "export", "anki", str(tmp_path / "x.apkg"), "--tag", "no-such-tag")
    assert r.code == 4 and "no-such-tag" in r.err  # no results (kb.errors)
    assert not (tmp_path / "x.apkg").exists()
    r = kb("--content", str(pack), "export", "anki", str(tmp_path / "x.txt"))
    assert r.code == 2 and ".apkg" in r.err  # usage
    r = kb("--content", str(pack), "export", "anki", str(tmp_path / "missing" / "x.apkg"))
    assert r.code == 3 and "does not exist" in r.err  # not found
    r = kb("--content", str(pack), "export", "anki", str(tmp_path / "x.apkg"), "--lang", "fr")
    assert r.code == 2


def test_html_text_escapes_and_keeps_lines():
    assert html_text("a < b & c\nd") == "a &lt; b &amp; c<br>d"
    assert html_text("x\x1b[2J") == "x[2J"
