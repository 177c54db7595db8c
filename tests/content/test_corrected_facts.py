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
