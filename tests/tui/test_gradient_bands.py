"""A gradient check's relative errors and their bands show in the workspace, for a
failing and for a passing check. (The report widget once looked for ``rel_error`` while
the engine sends ``rel_errors`` and ``bands`` per gradient, so no band ever showed.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import TextArea

from .conftest import async_test, make_app, screen_text, until

SHIPPED = Path(__file__).resolve().parents[2] / "content"
EXERCISE = "dense-layer"
MUTANT = SHIPPED / "exercises" / EXERCISE / "mutants" / "db_averaged_instead_of_summed.py"


async def open_dense_layer(pilot, app):
    from kb.tui.screens.exercise import ExerciseScreen

    await until(pilot, lambda: app.services is not None, timeout=120)  # indexes the whole shipped content
    app.open_workspace(EXERCISE)
    await until(pilot, lambda: isinstance(app.screen, ExerciseScreen) and app.screen.exercise is not None,
                timeout=30)
    return app.screen


def flat(app) -> str:
    return " ".join(screen_text(app).split())


@pytest.mark.slow
@async_test
async def test_a_gradient_checks_bands_show_for_a_failing_and_a_passing_check():
    app = make_app("en", roots=[SHIPPED])
    async with app.run_test(size=(160, 70)) as pilot:
        screen = await open_dense_layer(pilot, app)
        editor = screen.query_one("#editor", TextArea)
        editor.text = MUTANT.read_text(encoding="utf-8")  # db averaged over the batch, not summed
        before = screen.report
        await pilot.press("ctrl+r")
        await until(pilot, lambda: not screen.checking and screen.report is not before, timeout=60)
        assert screen.report.status == "fail"
        text = flat(app)
        # Each gradient with its largest relative error and band: db is wrong, dW and dx are fine.
        assert "db: relative error 5.00e-01, wrong" in text
        assert "dW: relative error" in text and "dx: relative error" in text
        assert text.count(", good") >= 2
        assert "bands: ≤1e-7 good · ≤1e-4 acceptable near kinks · ≤1e-2 suspicious · >1e-2 wrong" in text

        # The reference solution passes; its gradient check still says how close it is.
        editor.text = screen.exercise.solution
        before = screen.report
        target = next(k for k in app.screen.query("FooterKey") if k.key == "ctrl+r")
        await pilot.click(target)  # the footer's Check key does what ctrl+r does
        await until(pilot, lambda: not screen.checking and screen.report is not before, timeout=60)
        assert screen.report.status == "pass"
        text = flat(app)
        gradient = next(c for c in screen.report.checks if c.kind == "gradient")
        for name, err in gradient.details.rel_errors.items():
            assert f"{name} {err:.1e} good" in text
        assert "relative error" not in text  # a pass shows the compact line, not the failure's detail


@async_test
async def test_the_bands_of_a_stored_gradient_report_show_in_chinese():
    """A report stored by the previous engine (plain JSON, as the progress store holds it)."""
    from engine.report import Report

    from kb.tui.widgets.report import check_text

    report = Report.from_dict({
        "status": "fail", "duration_s": 0.4, "message": {"en": "2 of 3 checks passed.", "zh": "3 项检查中通过 2 项。"},
        "checks": [{"name": "gradient", "kind": "gradient", "status": "fail",
                    "title": {"en": "Gradients", "zh": "梯度"},
                    "message": {"en": "db: max relative error 5.00e-01", "zh": "db：最大相对误差 5.00e-01"},
                    "diagnostics": {"gradient": "db", "rel_errors": {"dx": 3e-9, "dW": 2e-5, "db": 0.5},
                                    "bands": {"dx": "good", "dW": "ok", "db": "wrong"},
                                    "index": [2], "yours": 0.1, "numerical": 0.3}}]})
    text = check_text(report.checks[0], "zh").plain
    assert "dx：相对误差 3.00e-09，良好" in text
    assert "dW：相对误差 2.00e-05，可接受" in text
    assert "db：相对误差 5.00e-01，错误" in text
    assert "区间：≤1e-7 良好" in text
    app = make_app("zh")
    async with app.run_test(size=(120, 40)) as pilot:
        from .test_exercise import open_workspace

        screen = await open_workspace(pilot, app)
        screen.report = report
        screen.render_results()
        await pilot.pause()
        assert "相对误差 5.00e-01，错误" in flat(app)
