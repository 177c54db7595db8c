"""One test per fact the content guide says the seed article gets wrong, so that an edit
that reintroduces the error fails CI."""

from __future__ import annotations

import pytest

from kb.content import load_roots
from kb.paths import shipped_content_dir


@pytest.fixture(scope="module")
def kb_content():
    return load_roots([shipped_content_dir()])


def ordered(text: str, *words: str) -> bool:
    """Each word occurs, and first occurrences come in the given order."""
    positions = [text.find(w) for w in words]
    return all(p >= 0 for p in positions) and positions == sorted(positions)


def test_training_order_is_forward_loss_backward_update(kb_content):
    steps = kb_content.entries["training-steps"]
    assert ordered(steps.summary.en.lower(), "forward", "loss", "backward", "update")
    assert ordered(steps.summary.zh, "前向传播", "损失", "反向传播", "更新")
    faq = kb_content.entries["does-update-come-before-backpropagation"]
    first_sentence = faq.answer.en.split(". ")[0].lower()
    assert first_sentence.startswith("after") and ordered(first_sentence, "forward", "loss", "backprop", "update")
    first_zh = faq.answer.zh.split("。")[0]
    assert "之后" in first_zh[:10] and ordered(first_zh[5:], "前向传播", "损失", "反向传播", "更新")


def test_article_outline_teaches_the_corrected_order(kb_content):
    path = kb_content.entries["article-outline"]
    refs = [s.ref for s in path.steps]
    assert "training-steps" in refs and "does-update-come-before-backpropagation" in refs
    assert refs.index("forward-propagation") < refs.index("backpropagation") < refs.index("training-steps")


def test_papers_with_code_is_discontinued_with_its_successor(kb_content):
    pwc = kb_content.entries["papers-with-code"]
    assert (pwc.status, pwc.status_year, pwc.successor) == ("discontinued", 2025, "huggingface-papers")
    assert "Hugging Face Papers" in pwc.status_note.en and "Hugging Face Papers" in pwc.status_note.zh
    successor = kb_content.entries["huggingface-papers"]
    assert successor.kind == "tool" and successor.status == "active"


def test_accuracy_is_not_recall_and_misleads_under_imbalance(kb_content):
    accuracy = kb_content.entries["accuracy"]
    assert "imbalanced" in accuracy.summary.en and "不平衡" in accuracy.summary.zh
    prf = kb_content.entries["precision-recall-f1"]
    assert "recall" in prf.body.en.lower() and "召回率" in prf.body.zh
    faq = kb_content.entries["imbalanced-classes-which-metric"]
    assert "accuracy" in faq.answer.en.lower() and "准确率" in faq.answer.zh


def test_dropout_states_kb_convention_and_cs231n_difference(kb_content):
    dropout = kb_content.entries["dropout"]
    assert "drop probability" in dropout.summary.en and "丢弃概率" in dropout.summary.zh
    assert "CS231n" in dropout.body.en and "keep" in dropout.body.en
    assert "CS231n" in dropout.body.zh and "保留" in dropout.body.zh


def _quiz_item(kb_content, item_id):
    from kb.schema import Quiz

    for entry in kb_content.entries.values():
        if isinstance(entry, Quiz):
            for item in entry.items:
                if item.id == item_id:
                    return item
    raise AssertionError(f"no quiz item {item_id}")


def test_weight_initialization_separates_symmetry_from_a_zero_relu_layer(kb_content):
    page = kb_content.entries["weight-initialization"]
    assert "whole" in page.body.en and "same number" in page.body.en and "ReLU" in page.body.en
    assert "no gradient" in page.body.en and "drift apart" in page.body.en
    assert "整个网络" in page.body.zh and "得不到梯度" in page.body.zh
    item = _quiz_item(kb_content, "weight-initialization-zero")
    assert "both layers" in item.question.en and "两层" in item.question.zh
    relu = _quiz_item(kb_content, "weight-initialization-zero-relu")
    assert relu.choices[relu.answer].en.startswith("It never changes")


def test_dropout_rates_in_transformers_carry_their_era(kb_content):
    for ident in ("dropout", "dropout-p-drop-or-keep"):
        entry = kb_content.entries[ident]
        en = entry.body.en if ident == "dropout" else entry.answer.en
        zh = entry.body.zh if ident == "dropout" else entry.answer.zh
        assert "around 0.1 in transformers" not in en
        assert "BERT" in en and "PaLM" in en and "no dropout" in en
        assert "PaLM" in zh and "不用暂退法" in zh


def test_llm_evaluation_names_lmarena(kb_content):
    page = kb_content.entries["llm-evaluation"]
    assert "LMArena" in page.body.en and "LMArena" in page.body.zh
    assert "Chatbot Arena (2023)" not in page.body.en


def test_fixed_quiz_items_stand_alone_and_accept_equivalent_forms(kb_content):
    from kb.quiz.grading import grade_text

    restore = _quiz_item(kb_content, "early-stopping-restore")
    assert "above" not in restore.question.en and "上面" not in restore.question.zh
    momentum = _quiz_item(kb_content, "momentum-forms-equivalent")
    assert "η_EMA = η_PyTorch / (1 − β)" in momentum.question.en
    assert "η_EMA = η_PyTorch / (1 − β)" in momentum.question.zh
    axis = _quiz_item(kb_content, "scaled-dot-product-attention-softmax-axis")
    assert grade_text(axis, "over the keys", "en").correct
    assert not grade_text(axis, "queries", "en").correct
    shape = _quiz_item(kb_content, "fully-connected-layer-dw-shape")
    for typed in ("[3, 4]", "(3, 4)", "3x4"):
        assert grade_text(shape, typed, "en").correct and grade_text(shape, typed, "zh").correct
    assert not grade_text(shape, "(4, 3)", "en").correct


def test_one_definition_of_relative_error(kb_content):
    """The concept page and the exercise (and the engine) define the gradient check's
    relative error the same way, so a learner who follows the page passes."""
    import numpy as np

    from engine.compare import relative_error

    page = kb_content.entries["gradient-checking"]
    for text in (page.body.en, page.body.zh):
        assert "|a − n| / max(1e-8, |a| + |n|)" in text and "max(|a|, |n|)" not in text
    exercise = kb_content.entries["gradient-check"]
    namespace: dict = {}
    exec(compile(exercise.solution, "<solution>", "exec"), namespace)
    a, n = np.array([1.0, -2.0, 1e-12]), np.array([1.1, -2.0, 0.0])
    assert namespace["relative_error"](a, n) == pytest.approx(float(relative_error(a, n).max()))
