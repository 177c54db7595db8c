"""The exercise workspace: open, edit, check (fail), fix, check (pass), hints, the
solution, and edits made to the file outside the app."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from .conftest import async_test, make_app, screen_text, until

WRONG = "return 1.0 / (1.0 + np.exp(-x)) + 0.01"
RIGHT = "return 1.0 / (1.0 + np.exp(-x))"


async def open_workspace(pilot, app):
    from kb.tui.screens.exercise import ExerciseScreen

    await until(pilot, lambda: app.services is not None)
    app.open_workspace("sigmoid-exercise")
    await until(pilot, lambda: isinstance(app.screen, ExerciseScreen) and app.screen.exercise is not None)
    return app.screen


async def check(pilot, screen) -> str:
    before = screen.report
    await pilot.press("ctrl+r")
    await until(pilot, lambda: not screen.checking and screen.report is not before, timeout=60)
    return screen.report.status


@pytest.mark.slow
@async_test
async def test_open_edit_check_fail_fix_pass():
    from kb import exercises

    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_workspace(pilot, app)
        path = exercises.learner_path("sigmoid-exercise")
        assert path.read_text() == screen.query_one("#editor", TextArea).text  # the CLI's file, from the starter
        assert await check(pilot, screen) == "not-started"
        editor = screen.query_one("#editor", TextArea)
        editor.text = editor.text.replace("raise NotImplementedError", WRONG)
        await pilot.pause()
        assert screen.dirty
        assert await check(pilot, screen) == "fail"
        assert WRONG in path.read_text()  # a check saves first
        text = screen_text(app)
        assert "FAIL" in text and "expected" in text and "0.129203" in text  # expected vs actual
        editor.text = editor.text.replace(WRONG, RIGHT)
        assert await check(pilot, screen) == "pass"
        assert "PASS" in screen_text(app)
        statuses = [a.status for a in app.services.store.attempts("sigmoid-exercise")]
        assert statuses == ["not-started", "fail", "pass"]
        # after a pass the reference solution opens without asking
        await pilot.press("ctrl+o")
        await until(pilot, lambda: screen.solution)
        assert app.services.store.solution_unlocked("sigmoid-exercise")


@async_test
async def test_hints_tier_by_tier_and_solution_locked_before_a_pass():
    app = make_app("zh")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_workspace(pilot, app)
        await pilot.press("ctrl+g")
        await until(pilot, lambda: screen.hints == 1)
        assert "提示 1/2" in screen_text(app) and "使用 np.exp。" in screen_text(app)
        await pilot.press("ctrl+g")
        await until(pilot, lambda: screen.hints == 2)
        await pilot.press("ctrl+g")  # no third tier
        await pilot.pause(0.2)
        assert app.services.store.hints_unlocked("sigmoid-exercise") == 2
        await pilot.press("ctrl+o")
        await pilot.pause(0.3)
        assert not screen.solution
        assert not app.services.store.solution_unlocked("sigmoid-exercise")


@async_test
async def test_external_edits_are_picked_up():
    from kb import exercises

    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_workspace(pilot, app)
        path = exercises.learner_path("sigmoid-exercise")
        path.write_text(path.read_text().replace("raise NotImplementedError", RIGHT), encoding="utf-8")
        await until(pilot, lambda: RIGHT in screen.query_one("#editor", TextArea).text, timeout=5)
        # with unsaved edits in the app, an outside change is flagged, not overwritten
        editor = screen.query_one("#editor", TextArea)
        editor.text = editor.text + "\n# mine\n"
        path.write_text("# theirs\n", encoding="utf-8")
        await until(pilot, lambda: screen.conflict, timeout=5)
        assert "changed on disk" in screen_text(app)
        assert "# mine" in editor.text
        await pilot.press("f5")  # take theirs
        assert editor.text == "# theirs\n" and not screen.conflict


@async_test
async def test_a_training_report_plots_the_learners_loss_curve():
    from engine.report import Report

    from kb.tui.widgets.plots import LossPlot

    history = [0.69, 0.52, 0.41, 0.35, 0.31, 0.29]
    report = Report.from_dict({
        "status": "pass", "duration_s": 1.5, "message": {"en": "1 of 1 checks passed.", "zh": "1 项检查全部通过。"},
        "checks": [{"name": "training", "kind": "training", "status": "pass",
                    "title": {"en": "Training reaches the threshold", "zh": "训练达到阈值"},
                    "message": {"en": "Held-out accuracy 0.93 (needs ≥ 0.85).", "zh": "准确率 0.93（要求 ≥ 0.85）。"},
                    "diagnostics": {"accuracy": 0.93, "history": history}}]})
    app = make_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_workspace(pilot, app)
        screen.report = report
        screen.render_results()
        await pilot.pause()
        plot = screen.query_one("#loss-plot", LossPlot)
        assert plot.history == history
        report.checks[0].diagnostics.pop("history")  # an engine that does not send it: say so
        screen.render_results()
        await pilot.pause()
        assert not screen.query("#loss-plot")
        assert "No loss curve" in screen_text(app)


@pytest.mark.slow
@async_test
async def test_the_app_stays_responsive_during_a_check_and_survives_any_learner_code():
    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_workspace(pilot, app)
        editor = screen.query_one("#editor", TextArea)
        editor.text = editor.text.replace("raise NotImplementedError", "while True:\n        pass")
        before = screen.report
        await pilot.press("ctrl+r")
        await until(pilot, lambda: screen.checking)
        await pilot.press("ctrl+l")  # the UI answers while the learner's loop spins
        await pilot.pause(0.2)
        assert app.lang == "zh" and screen.checking and "检查中" in screen_text(app)
        await until(pilot, lambda: not screen.checking and screen.report is not before, timeout=60)
        assert screen.report.status == "timeout"
        editor.text = "import os\nos._exit(3)\n"
        assert await check(pilot, screen) in ("crashed", "error")
        editor.text = editor.text.replace("os._exit(3)", "def sigmoid(x):\n    return 1 / (1 + __import__('numpy').exp(-x))\n")
        assert await check(pilot, screen) == "pass"  # the warm worker came back


def _pack_with_a_second_exercise(tmp_path):
    """The fixture content plus a second exercise, the next step of its path."""
    import shutil

    from .conftest import CONTENT

    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    first = (root / "exercises" / "sigmoid-exercise.yaml").read_text(encoding="utf-8")
    second = first.replace("id: sigmoid-exercise", "id: sigmoid-again").replace(
        "title: {en: Implement sigmoid, zh: 实现 sigmoid}", "title: {en: Sigmoid once more, zh: 再写一次 sigmoid}")
    (root / "exercises" / "sigmoid-again.yaml").write_text(second, encoding="utf-8")
    path = root / "paths" / "first-steps.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - {do: exercise, ref: sigmoid-again}\n", encoding="utf-8")
    return root


@pytest.mark.slow
@async_test
async def test_after_a_pass_the_workspace_offers_the_next_exercise_of_the_path(tmp_path):
    from kb.tui.screens.exercise import ExerciseScreen

    app = make_app("zh", roots=[_pack_with_a_second_exercise(tmp_path)])
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_workspace(pilot, app)
        assert "下一个练习" not in screen_text(app)  # the footer offers nothing before a pass
        editor = screen.query_one("#editor", TextArea)
        editor.text = editor.text.replace("raise NotImplementedError", RIGHT)
        assert await check(pilot, screen) == "pass"
        assert screen.following is not None and screen.following.exercise.id == "sigmoid-again"
        assert screen.following.path_title["zh"] == "入门第一步"
        assert "^n 下一个练习" in screen_text(app)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ExerciseScreen) and app.screen.exercise_id == "sigmoid-again")
