"""The key bar (kb.tui.widgets.keybar): rebuilt when the keys it shows change, and only
then (Textual's footer rebuilt the same keys on every signal, four times as Home opened)."""

from __future__ import annotations

from textual.widgets import Footer

from .conftest import async_test, make_app, settle, until


def shown(app) -> dict[str, str]:
    return {key.key: key.description for key in app.screen.query("FooterKey")}


@async_test
async def test_the_key_bar_is_rebuilt_only_when_its_keys_change_and_follows_the_language(monkeypatch):
    rebuilt: list[tuple[int, str, dict]] = []  # (which bar, its screen, the keys it then showed)
    original = Footer.recompose

    async def counting(self):
        await original(self)
        keys = {k.key: (k.description, k.disabled) for k in self.query("FooterKey")}
        rebuilt.append((id(self), type(self.screen).__name__, keys))

    monkeypatch.setattr(Footer, "recompose", counting)
    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.services is not None and "c" in shown(app))
        await settle(pilot)
        assert shown(app)["c"] == "Continue"
        at_start = len(rebuilt)
        assert at_start <= 2  # the keys, then Continue enabled once the data is in (was 5)
        await pilot.press("ctrl+l")  # the language: every key's words change
        await until(pilot, lambda: shown(app).get("c") == "继续")
        await settle(pilot)
        assert len(rebuilt) == at_start + 1
        await pilot.press("b")  # another screen, its own keys
        await until(pilot, lambda: "t" in shown(app))
        await settle(pilot)
        assert shown(app)["t"] == "标签"
        before = len(rebuilt)
        await pilot.press("escape")  # back: Home's keys as they were, not rebuilt
        await until(pilot, lambda: shown(app).get("c") == "继续")
        await settle(pilot)
        assert len(rebuilt) == before
    for bar in {b for b, _, _ in rebuilt}:  # no rebuild left a bar's keys as they were
        keys = [k for b, _, k in rebuilt if b == bar]
        assert all(a != b for a, b in zip(keys, keys[1:]))
