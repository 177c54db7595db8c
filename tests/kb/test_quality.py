"""The strict quality bars (kb.quality) and Markdown unwrapping (kb.render)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from kb.content import load_roots
from kb.quality import quality_problems
from kb.render import unwrap


def write(root: Path, rel: str, body: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body), encoding="utf-8")


CONCEPT = """\
id: {id}
kind: concept
title: {{en: {en}, zh: {zh}}}
summary: {{en: s, zh: 摘要}}
prerequisites: {pre}
related: {related}
"""

QUIZ = """\
id: q
kind: quiz
title: {en: Q, zh: 测验}
summary: {en: s, zh: 摘要}
items:
"""

ITEM = """\
  - id: {id}
    type: true_false
    concepts: [{concept}]
    question: {{en: q, zh: 问}}
    explanation: {{en: e, zh: 解}}
    answer: true
"""


def pack(tmp_path: Path, *, items_for_b: int = 2, path_steps=("a", "b"), title_zh="过拟合") -> Path:
    root = tmp_path / "pack"
    write(root, "concepts/a.yaml", CONCEPT.format(id="a", en="Overfitting", zh=title_zh, pre="[]", related="[]"))
    write(root, "concepts/b.yaml", CONCEPT.format(id="b", en="B", zh="乙", pre="[a]", related="[]"))
    items = [ITEM.format(id=f"a-{i}", concept="a") for i in range(2)]
    items += [ITEM.format(id=f"b-{i}", concept="b") for i in range(items_for_b)]
    write(root, "quizzes/q.yaml", QUIZ + "".join(items))
    steps = "".join(f"  - {{do: read, ref: {s}}}\n" for s in path_steps)
    write(root, "paths/p.yaml", "id: p\nkind: path\ntitle: {en: P, zh: 路径}\nsummary: {en: s, zh: 摘要}\nsteps:\n" + steps)
    return root


def messages(root: Path) -> list[str]:
    return [f"{Path(p.path).name}:{p.line}: {p.message}" for p in quality_problems(load_roots([root]))]


def test_a_complete_pack_meets_every_bar(tmp_path):
    assert messages(pack(tmp_path)) == []


def test_concept_with_too_few_items(tmp_path):
    assert messages(pack(tmp_path, items_for_b=1)) == ["b.yaml:1: concept has 1 quiz item(s); at least 2 test it"]


def test_concept_outside_every_path(tmp_path):
    assert messages(pack(tmp_path, path_steps=("a",))) == ["b.yaml:1: concept is not a step of any learning path"]


def test_path_puts_prerequisite_after_its_dependent(tmp_path):
    out = messages(pack(tmp_path, path_steps=("b", "a")))
    assert out == ["p.yaml:6: 'b' comes before its prerequisite 'a' (step 2)"]


def test_title_must_use_the_glossary_term(tmp_path):
    out = messages(pack(tmp_path, title_zh="过度拟合"))
    assert out == ["a.yaml:3: English says 'overfitting'; the Chinese should use the glossary term 过拟合"]


def test_unwrap_joins_chinese_without_spaces_and_keeps_lists():
    md = "第一行\n第二行\nan English\nline\n\n- item one\n  continues\n- item two\n\n```\ncode\nkept\n```"
    assert unwrap(md) == "第一行第二行an English line\n\n- item one continues\n- item two\n\n```\ncode\nkept\n```"
