"""Undo of the last rating in the quiz (Anki's ``u``; issue 10, defect 2): with the key,
with a click on the Undo button, with ctrl+z while the answer box has focus, and from the
session's summary. Undo takes the review out of the store, puts the card back as it was
and asks the item again."""

from __future__ import annotations

import shutil

from textual.widgets import Button, Input

from .conftest import CONTENT, async_test, make_app, screen_text, until


def undo_shown(quiz) -> bool:
    return any(b.binding.action == "undo" for b in quiz.active_bindings.values() if b.enabled)


async def open_quiz(pilot, app):
    from kb.tui.screens.quiz import QuizScreen

    await until(pilot, lambda: app.services is not None)
    await pilot.press("r")
    quiz = app.screen
    assert isinstance(quiz, QuizScreen)
    await until(pilot, lambda: quiz.entry is not None)
    return quiz


@async_test
async def test_u_after_rating_asks_again_and_stores_one_review():
    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        quiz = await open_quiz(pilot, app)
        store = app.services.store
        assert quiz.entry.item_id == "sigmoid-at-zero"
        assert not undo_shown(quiz) and "Undo" not in screen_text(app)  # nothing to undo yet
        assert not quiz.query_one("#undo-button", Button).display
        await pilot.press("b", "enter")  # right: Good, stored
        await until(pilot, lambda: quiz.entry is not None and quiz.entry.item_id == "relu-negative")
        assert len(store.reviews("sigmoid-at-zero")) == 1
        assert undo_shown(quiz) and "u Undo" in screen_text(app)

        await pilot.press("u")
        await until(pilot, lambda: quiz.entry is not None and quiz.entry.item_id == "sigmoid-at-zero")
        assert store.reviews("sigmoid-at-zero") == [] and store.card("sigmoid-at-zero") is None
        assert quiz.grade is None and not undo_shown(quiz)  # once per rating
        assert "new 2 · learning 0 · review 0" in screen_text(app)

        await pilot.press("a", "enter")  # answered again, wrong this time: Again
        await until(pilot, lambda: quiz.entry is not None and quiz.entry.item_id == "relu-negative")
        assert [(r.rating, r.correct) for r in store.reviews("sigmoid-at-zero")] == [(1, False)]
        assert store.review_count() == 1


@async_test
async def test_a_click_on_undo_and_an_unrated_answer_is_dropped():
    app = make_app("zh")
    async with app.run_test(size=(100, 30)) as pilot:
        quiz = await open_quiz(pilot, app)
        store = app.services.store
        await pilot.press("b", "4", "enter")  # Easy: not asked again in this session
        await until(pilot, lambda: quiz.entry is not None and quiz.entry.item_id == "relu-negative")
        text = screen_text(app)
        assert "u 撤销" in text and "撤销上一次评分" in text  # footer and button, in Chinese
        await pilot.press("f")  # answered (wrong) but not rated yet: undo drops it unsaved
        await until(pilot, lambda: quiz.grade is not None)
        await pilot.click("#undo-button")
        await until(pilot, lambda: quiz.entry is not None and quiz.entry.item_id == "sigmoid-at-zero")
        assert store.review_count() == 0 and store.cards() == {}
        assert quiz.grade is None
        await pilot.press("b", "4", "enter")
        await until(pilot, lambda: quiz.entry is not None and quiz.entry.item_id == "relu-negative")
        assert quiz.grade is None  # the dropped answer is asked anew
        assert [r.item_id for r in store.reviews()] == ["sigmoid-at-zero"]


@async_test
async def test_ctrl_z_in_the_answer_box_and_undo_from_the_summary(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    (root / "quizzes" / "activations-quiz.yaml").write_text(
        "id: activations-quiz\nkind: quiz\n"
        "title: {en: Activation functions, zh: 激活函数测验}\n"
        "summary: {en: Numbers., zh: 数值。}\ntags: [activation]\nitems:\n"
        "  - {id: sigmoid-at-zero, type: numeric, concepts: [sigmoid], question: {en: 'σ(0)?', zh: 'σ(0)？'},\n"
        "     answer: 0.5, tolerance: 0.01, explanation: {en: 'σ(0) = 1/2.', zh: 'σ(0) = 1/2。'}}\n"
        "  - {id: relu-at-two, type: numeric, concepts: [relu], question: {en: 'ReLU(2)?', zh: 'ReLU(2)？'},\n"
        "     answer: 2, tolerance: 0.01, explanation: {en: 'max(0, 2) = 2.', zh: 'max(0, 2) = 2。'}}\n",
        encoding="utf-8")
    app = make_app("en", roots=[root])
    async with app.run_test(size=(100, 30)) as pilot:
        quiz = await open_quiz(pilot, app)
        store = app.services.store
        await pilot.press("0", ".", "5", "enter")
        await until(pilot, lambda: quiz.grade is not None)
        await pilot.press("4", "enter")
        await until(pilot, lambda: quiz.entry is not None and quiz.entry.item_id == "relu-at-two")
        field = quiz.query_one("#answer-input", Input)
        assert quiz.focused is field
        # in the answer box u is a letter (the footer does not offer it there); ctrl+z undoes
        assert not undo_shown(quiz) and quiz.query_one("#undo-button", Button).display
        await pilot.press("u")
        assert field.value == "u" and store.review_count() == 1
        await pilot.press("ctrl+z")
        await until(pilot, lambda: quiz.entry is not None and quiz.entry.item_id == "sigmoid-at-zero")
        assert store.review_count() == 0 and quiz.query_one("#answer-input", Input).value == ""

        for answer in ("0.5", "2"):
            await pilot.press(*answer, "enter")
            await until(pilot, lambda: quiz.grade is not None)
            await pilot.press("4", "enter")
            await until(pilot, lambda: quiz.grade is None)
        await until(pilot, lambda: quiz.finished)
        assert "2 answered, 2 right" in screen_text(app) and store.review_count() == 2
        await pilot.press("u")  # from the summary: back to the last question
        await until(pilot, lambda: not quiz.finished and quiz.entry is not None)
        assert quiz.entry.item_id == "relu-at-two" and store.review_count() == 1
        assert not quiz.query_one("#summary").display
        await pilot.press("2", "enter")
        await until(pilot, lambda: quiz.grade is not None)
        await pilot.press("3", "enter")  # Good this time: asked again later in the session
        await until(pilot, lambda: quiz.grade is None)
        assert [r.rating for r in store.reviews("relu-at-two")] == [3] and store.review_count() == 2


@async_test
async def test_leaving_with_an_answer_not_rated_keeps_it_with_the_rating_chosen():
    """The session's one end rule, as `kb quiz` applies it: esc after answering keeps the
    answer with the rating on screen (here moved to Hard with a click), in the store."""
    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        quiz = await open_quiz(pilot, app)
        store = app.services.store
        await pilot.press("b")  # right: Good proposed, not yet rated
        await until(pilot, lambda: quiz.grade is not None)
        await pilot.click("#rate-2")
        await pilot.press("escape")
        await until(pilot, lambda: quiz.finished)
        assert [(r.item_id, r.rating, r.correct) for r in store.reviews()] == [("sigmoid-at-zero", 2, True)]
        assert "1 answered, 1 right" in screen_text(app)
