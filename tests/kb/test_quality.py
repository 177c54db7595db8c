"""The strict quality bars (kb.quality) and Markdown unwrapping (kb.render)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from kb.content import load_roots
from kb.loader import Problem
from kb.quality import formula_prose, quality_problems
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


# --- one voice in Chinese: competing glossary forms and spacing --------------------------

def with_text(tmp_path: Path, zh: str, en: str = "Text.", *, title=("Overfitting", "过拟合")) -> Path:
    """The complete pack with concept a's body replaced (a literal block on lines 7–)."""
    root = pack(tmp_path)
    body = "".join(f"    {line}\n" for line in zh.split("\n"))
    write(root, "concepts/a.yaml",
          f"id: a\nkind: concept\ntitle: {{en: {title[0]}, zh: {title[1]}}}\nsummary: {{en: s, zh: 摘要}}\n"
          f"body:\n  en: {en}\n  zh: |\n{body}prerequisites: []\nrelated: []\n")
    return root


def located(root: Path) -> list[str]:
    return [f"{Path(p.path).name}:{p.line}:{p.col}: {p.field}: {p.message}"
            for p in quality_problems(load_roots([root]))]


def test_competing_forms_are_flagged_where_they_stand(tmp_path):
    out = located(with_text(tmp_path, "先训练基础模型，\n每个样例都用 GPU 内存，再做全参数微调和池化。", en="A base model."))
    assert sorted(out, key=lambda o: [int(n) for n in o.split(":")[1:3]]) == [
        "a.yaml:8:8: body.zh: '基础模型': the glossary term for base model is 基座模型",
        "a.yaml:9:7: body.zh: '样例': the glossary term for example / sample is 样本",
        "a.yaml:9:12: body.zh: 'GPU 内存': the glossary term for GPU memory is 显存",
        "a.yaml:9:21: body.zh: '全参数微调': the glossary term for full fine-tuning is 全量微调",
        "a.yaml:9:27: body.zh: '池化': the glossary term for pooling is 汇聚",
    ]


def test_glossary_forms_and_their_exceptions_pass(tmp_path):
    text = "先训练基座模型，每个样本都占显存，再做全量微调和汇聚（旧称“池化”）。"
    assert located(with_text(tmp_path, text, en="A base model.")) == []
    # 基础模型 is the glossary's word for a foundation model
    assert located(with_text(tmp_path, "基础模型在广泛数据上预训练。", en="A foundation model is pre-trained broadly.")) == []


def test_glued_latin_word_is_flagged_with_its_column(tmp_path):
    out = located(with_text(tmp_path, "隐藏层用ReLU，输出用 sigmoid 函数。"))
    assert out == [
        "a.yaml:8:8: body.zh: no space between Chinese and '用R': write a space between a Chinese character "
        "and a Latin letter or digit",
    ]


def test_spaced_text_passes_and_code_urls_formulas_are_left_alone(tmp_path):
    text = ("隐藏层用 ReLU，输出用 sigmoid 函数，共 10 个样本；调用 `np.exp(x中)` 即可，"
            "见 https://例子.cn/a版。\n\n```\nx = 1  # 代码a里不管\n```")
    assert located(with_text(tmp_path, text)) == []


def test_spaces_next_to_full_width_punctuation_are_flagged(tmp_path):
    out = located(with_text(tmp_path, "输出用 sigmoid ，再加一个 “ReLU” 层。"))
    assert [o.split(": ", 1)[0] for o in out] == ["a.yaml:8:15", "a.yaml:8:21", "a.yaml:8:28"]
    assert all("full-width punctuation" in o for o in out)


def test_code_span_glued_to_chinese_is_flagged(tmp_path):
    out = located(with_text(tmp_path, "调用`np.exp`即可。"))
    assert len(out) == 2 and all("code span" in o for o in out)


def test_line_break_between_chinese_and_latin_is_flagged(tmp_path):
    # a renderer joins the wrapped lines of a paragraph without a space after Chinese
    out = located(with_text(tmp_path, "隐藏层常用\nReLU 激活。\n\n- 列表项\n- ReLU 项"))
    assert out == ["a.yaml:8:9: body.zh: line break between Chinese and Latin text at '用⏎R' shows them "
                   "glued once the paragraph is joined: break the line elsewhere"]


def test_mixed_precision_title_is_not_the_metric_precision(tmp_path):
    assert located(with_text(tmp_path, "正文。", title=("Mixed precision training", "混合精度训练"))) == []
    out = located(with_text(tmp_path, "正文。", title=("Precision", "查准率")))
    assert out == ["a.yaml:3:28: title.zh: English says 'precision'; the Chinese should use the glossary term 精确率"]


def test_accepted_short_answers_are_spaced_but_may_list_older_terms(tmp_path):
    root = pack(tmp_path)
    item = ("  - id: a-short\n    type: short\n    concepts: [a]\n    question: {en: q, zh: 问}\n"
            "    explanation: {en: e, zh: 解}\n    accepted: {en: [pooling], zh: [池化层, 2x2汇聚]}\n")
    quiz = (root / "quizzes/q.yaml").read_text(encoding="utf-8") + item
    write(root, "quizzes/q.yaml", quiz)
    out = located(root)
    assert len(out) == 1 and "no space between Chinese and '2汇'" in out[0] and out[0].startswith("q.yaml:")


# --- facts that age: tool status and "as of YEAR" ----------------------------------------

TOOL = """\
id: t
kind: tool
title: {{en: T, zh: 工具}}
summary: {{en: s, zh: 摘要}}
body:
  en: "Status: active ({en})."
  zh: "状态：活跃（{zh}）。"
category: framework
homepage: https://example.org
status: active
status_year: {year}
"""


def dated(tmp_path: Path, year: int, en: str = "as of 2026", zh: str = "截至 2026 年") -> list[Problem]:
    root = pack(tmp_path)
    write(root, "tools/t.yaml", TOOL.format(year=year, en=en, zh=zh))
    return quality_problems(load_roots([root]), year=2027)


def test_status_year_within_a_year_passes(tmp_path):
    assert dated(tmp_path, 2026) == []


def test_status_year_older_than_a_year_is_a_warning(tmp_path):
    out = dated(tmp_path, 2025, en="in 2025", zh="2025 年时")
    assert [(Path(p.path).name, p.line, p.field, p.severity) for p in out] == [("t.yaml", 11, "status_year", "warning")]
    assert "status_year 2025 is 2 years old" in out[0].message


def test_stale_as_of_phrases_are_warnings_in_both_languages(tmp_path):
    out = dated(tmp_path, 2026, en="as of 2025", zh="截至 2025 年")
    assert [(p.field, p.severity) for p in out] == [("body.en", "warning"), ("body.zh", "warning")]
    assert "'as of 2025' is 2 years old" in out[0].message and "'截至 2025 年' is 2 years old" in out[1].message


def test_the_clock_is_the_default_year(tmp_path):
    from datetime import datetime
    root = pack(tmp_path)
    write(root, "tools/t.yaml", TOOL.format(year=datetime.now().year, en="as of 2026", zh="截至 2026 年"))
    assert [p for p in quality_problems(load_roots([root])) if p.field == "status_year"] == []


# --- formulas are language-neutral -------------------------------------------------------

def with_formula(tmp_path: Path, expr: str) -> list[str]:
    root = pack(tmp_path)
    write(root, "concepts/a.yaml", CONCEPT.format(id="a", en="Overfitting", zh="过拟合", pre="[]", related="[]")
          + f"formulas:\n  - expr: {json.dumps(expr, ensure_ascii=False)}\n")
    return messages(root)


def test_formula_with_english_prose_is_flagged(tmp_path):
    out = with_formula(tmp_path, "accuracy = (number correct) / (number of examples)")
    assert out == ["a.yaml:8: formula carries English prose (number, correct, examples): "
                   "use symbols and explain them in the bilingual note"]
    assert with_formula(tmp_path, "θ ← θ₀ ;  train on target data with a small learning rate")


def test_symbols_functions_and_names_pass(tmp_path):
    for expr in ("acc = n_correct / N", "softmax(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ)",
                 "MultiHead(Q, K, V) = Concat(head₁, …, head_h) W_O", "L_total = L + (λ/2) ‖w‖²",
                 "recall@k = |R ∩ top_k| / |R|", "ŷ = 1 if w · x + b > 0, else 0", "2 + 2 + 4 + 4 + 4 = 16 bytes",
                 'f_text("a photo of a " + c)', "LayerNorm(x + Attention(x))"):
        assert formula_prose(expr) == [], expr
