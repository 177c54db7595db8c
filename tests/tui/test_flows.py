"""Pilot tests of the app's flows on the fixed content pack (tests/tui/fixtures)."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from .conftest import BROKEN, async_test, make_app, screen_text, settle, until


@async_test
async def test_home_fills_from_the_worker():
    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.data is not None)
        text = screen_text(app)
        assert "Continue: Read “Neural network”" in text
        assert "First steps" in text
        assert "4 Concepts" in text
        assert "3 content warnings" in text  # dropout.yaml has no Chinese on purpose


@async_test
async def test_exercises_key_opens_browse_on_exercises_and_enter_opens_the_workspace():
    from kb.tui.screens.browse import BrowseScreen
    from kb.tui.screens.exercise import ExerciseScreen

    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.services is not None)
        await pilot.press("x")
        assert isinstance(app.screen, BrowseScreen) and app.screen.kind == "exercise"
        await until(pilot, lambda: app.screen.query_one("#entries", OptionList).option_count == 2)
        assert "Implement sigmoid" in screen_text(app)
        assert "Foundations · 0/1 passed" in screen_text(app)  # the course is listed track by track
        await pilot.press("escape", "x")  # again, from an existing browse screen
        assert isinstance(app.screen, BrowseScreen) and app.screen.kind == "exercise"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ExerciseScreen) and app.screen.exercise is not None)
        await pilot.press("escape", "escape")  # leave the editor, then the workspace
        assert isinstance(app.screen, BrowseScreen)


@async_test
async def test_navigate_to_an_entry_follow_links_and_go_back():
    from kb.tui.screens.browse import BrowseScreen
    from kb.tui.screens.detail import DetailScreen

    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.services is not None)
        await pilot.press("b")
        assert isinstance(app.screen, BrowseScreen)
        await until(pilot, lambda: app.screen.query_one("#entries", OptionList).option_count == 10)
        entries = app.screen.query_one("#entries", OptionList)
        index = next(i for i in range(entries.option_count) if entries.get_option_at_index(i).id == "sigmoid")
        entries.highlighted = index
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        detail = app.screen
        await until(pilot, lambda: detail.data is not None and detail.data.entry_id == "sigmoid")
        await settle(pilot)
        text = screen_text(app)
        assert "Sigmoid function" in text and "σ(x) = 1 / (1 + e⁻ˣ)" in text
        assert detail.query("#plot"), "a concept with a plot field shows the plot"
        assert "Neural network" in text and "Linked from" in text
        # follow the prerequisite link
        links = detail.query_one("#links", OptionList)
        links.focus()
        target = next(i for i in range(links.option_count) if (links.get_option_at_index(i).id or "").startswith("neural-network#"))
        links.highlighted = target
        await pilot.press("enter")
        await until(pilot, lambda: detail.data.entry_id == "neural-network")
        assert app.screen is detail and detail.history == ["sigmoid", "neural-network"]
        assert not detail.query("#plot")
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: detail.data.entry_id == "sigmoid")
        await pilot.press("right_square_bracket")
        await until(pilot, lambda: detail.data.entry_id == "neural-network")
        await pilot.press("escape")
        assert isinstance(app.screen, BrowseScreen)
        # reading is recorded, as `kb show` does, so the path moves on
        assert app.services.store.was_read("sigmoid")


async def search(pilot, app, query: str) -> list[str]:
    from kb.tui.screens.search import SearchScreen

    if not isinstance(app.screen, SearchScreen):
        await pilot.press("slash")
    assert isinstance(app.screen, SearchScreen)
    field = app.screen.query_one("#search-input", Input)
    field.value = ""
    await pilot.press(*query)
    screen = app.screen
    await until(pilot, lambda: screen.searched and screen.query_text.strip() == query)
    return [h.id for h in screen.hits]


@async_test
async def test_search_in_english_and_chinese_and_open_a_result():
    from kb.tui.screens.detail import DetailScreen

    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.services is not None)
        ids = await search(pilot, app, "vanish")
        assert set(ids) == {"sigmoid", "why-relu"}
        assert "2 results" in screen_text(app)
        await pilot.press("escape")
        ids = await search(pilot, app, "激活")  # a two-character Chinese term
        assert "relu" in ids
        ids = await search(pilot, app, "梯度")
        assert "sigmoid" in ids
        await pilot.press("down", "enter")
        assert isinstance(app.screen, DetailScreen)
        await until(pilot, lambda: app.screen.data is not None)
        assert app.screen.data.entry_id == ids[0]


@async_test
async def test_search_with_no_results_says_what_to_do():
    app = make_app("zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.services is not None)
        assert await search(pilot, app, "zzzqqq") == []
        assert "没有找到“zzzqqq”的结果" in screen_text(app)


@async_test
async def test_command_palette_jumps_to_an_entry_by_chinese_title():
    from kb.tui.screens.detail import DetailScreen

    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.services is not None)
        await pilot.press("ctrl+p")
        await pilot.press(*"神经网络")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.data is not None)
        assert app.screen.data.entry_id == "neural-network"


@async_test
async def test_language_toggle_changes_everything_and_is_remembered():
    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.data is not None)
        assert "Browse the knowledge base" in screen_text(app)
        await pilot.press("ctrl+l")
        await settle(pilot)
        text = screen_text(app)
        assert app.lang == "zh"
        assert "浏览知识库" in text and "入门第一步" in text  # interface and content
        assert "浏览" in text and "English" in text  # the footer's key labels
        await pilot.press("b")
        await settle(pilot)
        assert "全部条目" in screen_text(app)
        await until(pilot, lambda: app.services.store.get_setting("lang") == "zh")

    again = make_app("en")  # started in English (LANG) but the learner chose Chinese
    async with again.run_test(size=(100, 30)) as pilot:
        assert again.lang == "zh"
    explicit = make_app("en", lang_explicit=True)  # --lang en beats the remembered choice
    async with explicit.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: explicit.services is not None)
        assert explicit.lang == "en"


@async_test
async def test_theme_toggle_is_remembered():
    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.services is not None)
        assert app.current_theme.dark
        await pilot.press("ctrl+t")
        assert not app.current_theme.dark
        await until(pilot, lambda: app.services.store.get_setting("tui.theme") == "textual-light")
    again = make_app("en")
    async with again.run_test(size=(100, 30)):
        assert again.theme == "textual-light"


@async_test
async def test_a_broken_file_shows_the_problem_and_the_rest():
    from kb.tui.screens.problems import ProblemsScreen

    app = make_app("en", roots=[BROKEN])
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.data is not None)
        text = screen_text(app)
        assert "2 content problems" in text
        assert "1 Concepts" in text
        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, ProblemsScreen)
        await settle(pilot)
        text = screen_text(app)
        assert "bad.yaml:4:10" in text and "plain string" in text
        assert "bad.yaml:5:1" in text and "colour" in text
        await pilot.press("escape", "b")
        await settle(pilot)
        assert "A good entry" in screen_text(app)


@async_test
async def test_quiz_answer_feedback_change_rating_and_summary():
    from kb.tui.screens.quiz import QuizScreen

    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.services is not None)
        await pilot.press("r")
        quiz = app.screen
        assert isinstance(quiz, QuizScreen)
        await until(pilot, lambda: quiz.entry is not None)
        assert quiz.entry.item_id == "sigmoid-at-zero"
        await pilot.press("a")  # wrong: σ(0) is 0.5
        text = screen_text(app)
        assert "Not quite" in text and "B. 0.5" in text and "1/2" in text  # explanation
        assert quiz.rating == 1  # Again proposed
        await pilot.press("2")  # the learner says Hard instead
        assert quiz.rating == 2
        await pilot.press("enter")
        await until(pilot, lambda: quiz.entry is not None and quiz.entry.item_id == "relu-negative")
        review = app.services.store.reviews("sigmoid-at-zero")[-1]
        assert review.rating == 2 and review.correct is False
        await pilot.click("#choices")  # the mouse works too: True is the first choice
        await until(pilot, lambda: quiz.grade is not None)
        assert quiz.grade.correct
        await pilot.click("#next-button")
        await until(pilot, lambda: quiz.entry is None or quiz.entry.item_id != "relu-negative" or quiz.finished)
        await pilot.press("escape")
        await until(pilot, lambda: quiz.finished)
        assert "2 answered, 1 right" in screen_text(app)


@async_test
async def test_progress_screen_shows_the_figures():
    app = make_app("en")
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: app.services is not None)
        app.services.store.record_review("sigmoid-at-zero", 3, correct=True)
        await pilot.press("p")
        await until(pilot, lambda: app.screen.figures is not None)
        text = screen_text(app)
        assert "Due in the next 14 days" in text and "Reviews in the last year" in text
        assert "desired" in text and "90%" in text
        assert "activation" in text  # mastery by tag
        assert "1 reviews this year" in text or "1 review" in text


@async_test
async def test_home_shows_the_last_session_at_once_then_refreshes(monkeypatch):
    from kb.tui.app import KbApp

    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.data is not None and not app.screen.cached)
        await settle(pilot)
    monkeypatch.setattr(KbApp, "load_services", lambda self: None)  # the catalog never arrives
    again = make_app("en")
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert again.services is None
        assert again.screen.data is not None and again.screen.cached
        text = screen_text(again)
        assert "Continue: Read “Neural network”" in text and "updating…" in text


@async_test
async def test_continue_follows_the_learning_path():
    from kb.tui.screens.detail import DetailScreen
    from kb.tui.screens.quiz import QuizScreen

    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        home = app.screen
        await until(pilot, lambda: home.data is not None and not home.cached)
        for step, expected in ((1, "neural-network"), (2, "sigmoid")):
            assert home.data.next_step == step
            await pilot.press("c")
            assert isinstance(app.screen, DetailScreen)
            await until(pilot, lambda: app.screen.data is not None)
            assert app.screen.data.entry_id == expected
            await pilot.press("escape")
            await until(pilot, lambda: home.data.next_step == step + 1)
        assert "Continue: Quiz “Sigmoid function”" in screen_text(app)
        await pilot.press("c")
        assert isinstance(app.screen, QuizScreen)
        await until(pilot, lambda: app.screen.entry is not None)
        assert app.screen.entry.item_id == "sigmoid-at-zero"  # the step's own items


@async_test
async def test_a_path_shows_its_steps_and_can_be_followed():
    app = make_app("zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.services is not None)
        app.open_entry("first-steps")
        await until(pilot, lambda: getattr(app.screen, "data", None) is not None)
        text = screen_text(app)
        assert "步骤" in text and "○ 1. 神经网络" in text and "按 f" in text
        # The page itself names each step by its title and state, not by a raw id.
        assert "1. ○ 阅读 神经网络 (neural-network)" in text
        await pilot.press("f")
        await until(pilot, lambda: app.services.store.get_setting("current_path") == "first-steps")


@async_test
async def test_a_failure_to_load_is_shown_with_a_way_forward(monkeypatch):
    import kb.app.services

    def broken(*args, **kwargs):
        raise PermissionError("cannot read /somewhere/content")

    monkeypatch.setattr(kb.app.services, "open_services", broken)
    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.load_error is not None)
        text = screen_text(app)
        assert "Could not load the content" in text and "cannot read /somewhere/content" in text


@async_test
async def test_home_menu_opens_each_screen_with_enter_and_with_a_click():
    """The Start menu acts on Enter and on a click, not only on its letter keys."""
    from kb.tui.screens.browse import BrowseScreen
    from kb.tui.screens.home import HomeScreen

    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.services is not None)
        menu = app.screen.query_one("#actions", OptionList)
        await until(pilot, lambda: menu.option_count >= 5)
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        menu.focus()
        menu.highlighted = ids.index("exercises")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, BrowseScreen) and app.screen.kind == "exercise")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        menu = app.screen.query_one("#actions", OptionList)
        await pilot.click(menu, offset=(4, 1 + ids.index("browse")))  # below the panel's top border
        await until(pilot, lambda: isinstance(app.screen, BrowseScreen))


@async_test
async def test_each_numeric_question_opens_with_an_empty_answer(tmp_path):
    """The number box used to keep the previous answer: Enter on the next numeric
    question submitted it, and it was graded and stored as the learner's."""
    import shutil

    from textual.widgets import Input

    from kb.tui.screens.quiz import QuizScreen

    from .conftest import CONTENT

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
        await until(pilot, lambda: app.services is not None)
        await pilot.press("r")
        quiz = app.screen
        assert isinstance(quiz, QuizScreen)
        await until(pilot, lambda: quiz.entry is not None)
        first = quiz.entry.item_id
        await pilot.press("0", ".", "5", "enter")
        await until(pilot, lambda: quiz.grade is not None)
        await pilot.press("enter")  # next question
        await until(pilot, lambda: quiz.entry is not None and quiz.entry.item_id != first)
        assert quiz.query_one("#answer-input", Input).value == ""
        await pilot.press("enter")  # Enter on the empty box answers nothing
        await pilot.pause()
        assert quiz.grade is None
        assert app.services.store.reviews(quiz.entry.item_id) == []


@async_test
async def test_home_and_the_cli_agree_on_a_started_exercise():
    """A learner who ran `kb exercise start` sees it in progress on Home, as the CLI's
    list says "started" (they used to disagree: Home counted only checked exercises)."""
    from kb import exercises

    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.services is not None)
        ex = app.services.catalog.get("sigmoid-exercise")
        exercises.start(ex)
        assert exercises.exercise_state("sigmoid-exercise", app.services.store.exercise_statuses()) == "started"
        app.load_services()  # Home reloads its figures
        await until(pilot, lambda: "◐ Implement sigmoid" in screen_text(app))
        assert "None started yet" not in screen_text(app)
