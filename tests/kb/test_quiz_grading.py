"""Grading every quiz item type, in English and in Chinese."""

from __future__ import annotations

import pytest
import yaml

from kb.quiz.grading import (
    InvalidResponse,
    expected_text,
    grade,
    grade_text,
    input_hint,
    normalize_short,
    parse_response,
)
from kb.schema import Quiz

QUIZ = yaml.safe_load(
    """
kind: quiz
id: sigmoid-quiz
title: {en: Sigmoid quiz, zh: Sigmoid 测验}
summary: {en: Check the sigmoid., zh: 检查 sigmoid。}
items:
  - id: sigmoid-range
    type: single
    concepts: [sigmoid-function]
    question: {en: "What is the range of σ?", zh: "σ 的值域是什么？"}
    choices:
      - {en: "(-1, 1)", zh: "(-1, 1)"}
      - {en: "(0, 1)", zh: "(0, 1)"}
      - {en: "[0, ∞)", zh: "[0, ∞)"}
    answer: 1
    explanation: {en: Outputs are probabilities., zh: 输出是概率。}
  - id: saturating
    type: multiple
    concepts: [sigmoid-function]
    question: {en: "Which functions saturate?", zh: "哪些函数会饱和？"}
    choices:
      - {en: sigmoid, zh: sigmoid}
      - {en: ReLU for x > 0, zh: x > 0 时的 ReLU}
      - {en: tanh, zh: tanh}
    answers: [0, 2]
    explanation: {en: Both flatten at the ends., zh: 两者在两端变平。}
  - id: sigmoid-monotonic
    type: true_false
    concepts: [sigmoid-function]
    question: {en: σ is monotonic., zh: σ 是单调的。}
    answer: true
    explanation: {en: Its derivative is positive., zh: 它的导数为正。}
  - id: sigmoid-at-zero
    type: numeric
    concepts: [sigmoid-function]
    question: {en: "σ(0) = ?", zh: "σ(0) = ？"}
    answer: 0.5
    tolerance: 0.01
    explanation: {en: 1 / (1 + 1)., zh: 1 / (1 + 1)。}
  - id: sigmoid-name
    type: short
    concepts: [sigmoid-function]
    question: {en: "The other name of σ?", zh: "σ 的另一个名字？"}
    accepted: {en: [logistic function, logistic], zh: [逻辑函数, 逻辑斯谛函数]}
    explanation: {en: It is the logistic function., zh: 它就是逻辑函数。}
"""
)
ITEMS = {item.id: item for item in Quiz.model_validate(QUIZ).items}
SINGLE, MULTI, TF, NUM, SHORT = (ITEMS[k] for k in
                                 ["sigmoid-range", "saturating", "sigmoid-monotonic", "sigmoid-at-zero", "sigmoid-name"])


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "item, text, ok",
    [
        (SINGLE, "B", True), (SINGLE, "b", True), (SINGLE, "2", True), (SINGLE, "Ｂ", True),
        (SINGLE, " b ", True), (SINGLE, "A", False), (SINGLE, "3", False),
        (MULTI, "A C", True), (MULTI, "c,a", True), (MULTI, "AC", True), (MULTI, "1 3", True),
        (MULTI, "Ａ，Ｃ", True), (MULTI, "a、c", True), (MULTI, "A", False), (MULTI, "A B C", False),
        (TF, "t", True), (TF, "True", True), (TF, "对", True), (TF, "是", True), (TF, "正确", True),
        (TF, "f", False), (TF, "错", False), (TF, "no", False),
        (NUM, "0.5", True), (NUM, ".505", True), (NUM, "0.51", True), (NUM, "1/2", True),
        (NUM, "０.５", True), (NUM, "5e-1", True), (NUM, "0.52", False), (NUM, "−0.5", False),
        (SHORT, "logistic function", True), (SHORT, "  Logistic   FUNCTION. ", True),
        (SHORT, "ＬＯＧＩＳＴＩＣ", True), (SHORT, "逻辑函数", True), (SHORT, "逻辑 函数", True),
        (SHORT, "「逻辑斯谛函数」", True), (SHORT, "softmax", False), (SHORT, "逻辑", False),
    ],
)
def test_grading_every_type(item, text, ok, lang):
    g = grade_text(item, text, lang)
    assert g.correct is ok
    assert g.expected  # always something to show


@pytest.mark.parametrize(
    "item, text",
    [(SINGLE, ""), (SINGLE, "D"), (SINGLE, "0"), (SINGLE, "4"), (SINGLE, "BC"),
     (MULTI, ""), (MULTI, "A Z"), (TF, "maybe"), (TF, ""), (NUM, "half"), (NUM, ""),
     (NUM, "nan"), (NUM, "inf"), (NUM, "1/0"), (SHORT, "  "), (SHORT, "。")],
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_malformed_input_asks_again_in_the_chosen_language(item, text, lang):
    with pytest.raises(InvalidResponse) as err:
        parse_response(item, text)
    message = err.value.message(lang)
    assert message
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
    else:
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in message.replace(text, ""))


def test_expected_answer_shown_in_each_language():
    assert expected_text(SINGLE, "en") == "B. (0, 1)"
    assert expected_text(MULTI, "zh") == "A. sigmoid; C. tanh"
    assert expected_text(TF, "zh") == "对" and expected_text(TF, "en") == "true"
    assert expected_text(NUM, "en") == "0.5 (± 0.01)"
    assert expected_text(SHORT, "en") == "logistic function / logistic"
    assert expected_text(SHORT, "zh") == "逻辑函数 / 逻辑斯谛函数"


def test_short_answer_in_the_other_language_is_accepted():
    assert grade_text(SHORT, "逻辑函数", "en").correct
    assert grade_text(SHORT, "logistic", "zh").correct


def test_short_answer_with_one_language_only_falls_back():
    only_en = SHORT.model_copy(update={"accepted": SHORT.accepted.model_copy(update={"zh": []})})
    assert expected_text(only_en, "zh") == "logistic function / logistic"
    assert grade_text(only_en, "Logistic", "zh").correct


def test_structured_responses_for_the_tui():
    assert grade(SINGLE, 1).correct
    assert grade(MULTI, {2, 0}).correct and not grade(MULTI, [0]).correct
    assert grade(TF, True).correct
    assert grade(NUM, 0.49).correct and not grade(NUM, float("nan")).correct
    assert grade(SHORT, "logistic").correct


def test_exact_tolerance_zero():
    exact = NUM.model_copy(update={"tolerance": 0.0, "answer": 3.0})
    assert grade_text(exact, "3", "en").correct
    assert not grade_text(exact, "3.0001", "en").correct
    assert expected_text(exact, "en") == "3"


def test_normalize_short():
    assert normalize_short("  Gradient\u3000Descent！") == "gradient descent"
    assert normalize_short("梯度 下降") == "梯度下降"
    assert normalize_short("ＲｅＬＵ") == "relu"


@pytest.mark.parametrize("item", [SINGLE, MULTI, TF, NUM, SHORT])
def test_input_hint_in_both_languages(item):
    assert input_hint(item, "en") != input_hint(item, "zh")
