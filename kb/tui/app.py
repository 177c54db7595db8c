"""The kb app: bindings, the stylesheet, the first screen, and the loading worker.

Screens live in ``kb.tui.screens`` and are imported when first opened, so that the first
paint costs Textual and the home screen only. The catalog and the progress store (which
import SQLAlchemy and pydantic) are opened in a thread worker after the first paint.
"""

from __future__ import annotations

import sys
import threading
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen

from kb.i18n import tr
from kb.tui import settings
from kb.tui.screens.base import character_actions, typing_in
from kb.tui.screens.home import HomeScreen

if TYPE_CHECKING:
    import engine


def _entry_commands():
    from kb.tui.commands import EntryCommands

    return EntryCommands


class KbApp(App[None]):
    """A bilingual study companion for deep learning."""

    CSS_PATH = Path(__file__).resolve().with_name("app.tcss")
    TITLE = "kb"
    COMMANDS = App.COMMANDS | {_entry_commands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+l", "toggle_language", "中文", id="kb.lang", priority=True),
        Binding("ctrl+t", "toggle_theme", "Light/Dark", id="kb.theme", priority=True, show=False),
        Binding("slash", "search", "Search", id="kb.search", show=False),
        Binding("f1", "help_panel", "Keys", id="kb.keys", show=False),
    ]

    lang: var[str] = var("en")
    services = var(None)  # kb.app.services.Services once loaded
    load_error: var[str | None] = var(None)

    class Loaded(Message):
        """The catalog and progress store are open."""

        def __init__(self, services, stored: dict) -> None:
            super().__init__()
            self.services = services
            self.stored = stored

    class LoadFailed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, lang: str = "en", content: list[str] | None = None, *,
                 roots: list[str | Path] | None = None, lang_explicit: bool = False,
                 store_url: str | None = None, clock: Callable[[], datetime] | None = None,
                 remember: bool = True, tz: tzinfo | None = None) -> None:
        """``content``: extra packs beside the shipped content (``kb --content``);
        ``roots``: use exactly these content roots instead (tests, demos);
        ``lang_explicit``: ``--lang``/``KB_LANG`` was given, so it beats the remembered
        choice; ``clock``: "now" for the progress store and ``tz`` the zone days are
        counted in (tests; by default the real clock and the local zone)."""
        super().__init__()
        self.content_dirs = list(content or [])
        self.roots = [Path(r) for r in roots] if roots is not None else None
        self.lang_explicit = lang_explicit
        self.store_url = store_url
        self.clock = clock
        self.tz = tz
        self.remember = remember
        self.first_paint_modules: frozenset[str] | None = None
        self._engine_worker: engine.Worker | None = None
        self._engine_lock = threading.Lock()
        stored = settings.peek() if remember and store_url is None else {}
        if not lang_explicit and stored.get(settings.LANG_KEY) in ("en", "zh"):
            lang = str(stored[settings.LANG_KEY])
        self.set_reactive(KbApp.lang, lang if lang in ("en", "zh") else "en")
        self._stored_theme = str(stored.get(settings.THEME_KEY) or "")
        self.theme = self._stored_theme if self._stored_theme in self.available_themes else "textual-dark"

    # -- the engine's warm worker ---------------------------------------------------------

    def engine_worker(self):
        """The engine's pre-started checker (NumPy imported), shared by every workspace;
        started on first use, from a thread worker. None if it cannot start (a check
        then starts a cold one)."""
        with self._engine_lock:
            if self._engine_worker is None:
                try:
                    import engine

                    self._engine_worker = engine.Worker()
                except Exception:
                    return None
                threading.Thread(target=self._announce_isolation, args=(self._engine_worker,), daemon=True).start()
            return self._engine_worker

    def _announce_isolation(self, worker) -> None:
        """Say once, plainly, when learner code runs without the namespace sandbox."""
        try:
            worker.wait_ready()
        except Exception:
            return  # a check will report the failure itself
        iso = worker.isolation
        if iso is None or iso.mode != "limits" or worker.mode == "off":
            return
        try:
            self.call_from_thread(
                self.notify,
                tr(self.lang, f"Your code runs with resource limits only, not in the sandbox: {iso.reason}.",
                   f"你的代码只在资源限制下运行，没有沙箱隔离：{iso.reason}。"),
                title=tr(self.lang, "Sandbox", "沙箱"), severity="warning", timeout=10)
        except Exception:  # the app is closing
            pass

    def on_unmount(self) -> None:
        with self._engine_lock:
            if self._engine_worker is not None:
                self._engine_worker.close()
                self._engine_worker = None

    # -- start-up ---------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return HomeScreen()

    def on_ready(self) -> None:
        self.first_paint_modules = frozenset(name.partition(".")[0] for name in sys.modules)
        self.load_services()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_services(self) -> None:
        try:
            from kb.app.services import open_services

            services = open_services(self.roots, self.content_dirs, store_url=self.store_url, clock=self.clock)
            import kb.render  # noqa: F401  (screens render entries next; import it here, off the UI thread)
        except Exception as exc:
            from kb.errors import explain

            self.post_message(self.LoadFailed(explain(exc, self.lang)))
            return
        stored: dict = {}
        if services.store is not None and self.remember:
            try:
                stored = {k: services.store.get_setting(k) for k in (settings.LANG_KEY, settings.THEME_KEY)}
            except Exception:
                stored = {}
        self.post_message(self.Loaded(services, stored))

    def on_kb_app_loaded(self, message: Loaded) -> None:
        stored = message.stored
        if not self.lang_explicit and stored.get(settings.LANG_KEY) in ("en", "zh"):
            self.lang = stored[settings.LANG_KEY]
        theme = str(stored.get(settings.THEME_KEY) or "")
        if theme in self.available_themes:
            self._stored_theme = theme
            self.theme = theme
        self.load_error = None
        self.services = message.services

    def on_kb_app_load_failed(self, message: LoadFailed) -> None:
        self.load_error = message.error

    def reload_content(self) -> None:
        """Refresh the index again (after content changed on disk)."""
        self.load_services()

    # -- language and theme --------------------------------------------------------------

    def watch_lang(self, lang: str) -> None:
        self.refresh_bindings()  # the footer redraws kb's keys in ``lang`` (KbScreen.active_bindings)

    def action_toggle_language(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"
        self.remember_setting(settings.LANG_KEY, self.lang)

    def action_toggle_theme(self) -> None:
        self.theme = settings.LIGHT if self.current_theme.dark else settings.DARK

    def watch_theme(self, theme: str) -> None:
        # Any theme change is remembered, also one made with the palette's theme picker.
        if self.services is not None and theme != self._stored_theme:
            self._stored_theme = theme
            self.remember_setting(settings.THEME_KEY, theme)

    @work(thread=True, group="settings", exit_on_error=False)
    def remember_setting(self, key: str, value: str) -> None:
        services = self.services
        if not self.remember or services is None or services.store is None:
            return
        try:
            services.store.set_setting(key, value)
        except Exception as exc:  # a locked or read-only store must not take the app down
            from kb.errors import explain

            self.call_from_thread(self.notify, explain(exc, self.lang), title=tr(self.lang, "Not saved", "未保存"),
                                  severity="warning")

    def t(self, en: str, zh: str) -> str:
        return tr(self.lang, en, zh)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a text field has the focus, the app's character shortcuts (``/`` here, ``b``
        or ``r`` bound to ``app.…`` on a screen) are off: the character is text."""
        if typing_in(self) and (action in character_actions(KbApp)
                                or f"app.{action}" in character_actions(type(self.screen))):
            return False
        return True

    # -- navigation ------------------------------------------------------------------------

    def goto(self, screen_type: type[Screen], factory: Callable[[], Screen] | None = None) -> None:
        """Show the screen of ``screen_type`` already in the stack (popping what is
        above it), or push a new one."""
        for screen in self.screen_stack:
            if type(screen) is screen_type:
                while self.screen is not screen:
                    self.pop_screen()
                return
        self.push_screen((factory or screen_type)())

    def action_home(self) -> None:
        self.goto(HomeScreen)

    def action_browse(self, kind: str = "") -> None:
        from kb.tui.screens.browse import BrowseScreen

        existing = any(type(s) is BrowseScreen for s in self.screen_stack)
        self.goto(BrowseScreen, lambda: BrowseScreen(kind or "all"))
        if kind and existing and isinstance(self.screen, BrowseScreen):
            self.screen.select_kind(kind)

    def action_search(self) -> None:
        from kb.tui.screens.search import SearchScreen

        self.goto(SearchScreen)

    def action_problems(self) -> None:
        from kb.tui.screens.problems import ProblemsScreen

        self.goto(ProblemsScreen)

    def action_progress(self) -> None:
        from kb.tui.screens.progress import ProgressScreen

        self.goto(ProgressScreen)

    def action_review(self, path: str = "", tag: str = "") -> None:
        from kb.tui.screens.quiz import QuizScreen

        self.goto(QuizScreen, lambda: QuizScreen(path=path or None, tag=tag or None))

    def action_exercises(self) -> None:
        self.action_browse("exercise")

    def open_entry(self, entry_id: str) -> None:
        """Show an entry: in the detail screen on top (keeping its history), else a new one."""
        from kb.tui.screens.detail import DetailScreen

        if isinstance(self.screen, DetailScreen):
            self.screen.navigate(entry_id)
        else:
            self.push_screen(DetailScreen(entry_id))

    def open_workspace(self, exercise_id: str) -> None:
        from kb.tui.screens.exercise import ExerciseScreen

        for screen in self.screen_stack:
            if isinstance(screen, ExerciseScreen) and screen.exercise_id == exercise_id:
                self.goto(ExerciseScreen)
                return
        self.push_screen(ExerciseScreen(exercise_id))

    def action_help_panel(self) -> None:
        from kb.tui.widgets.keys import KeysPanel

        if self.screen.query(KeysPanel):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_show_help_panel(self) -> None:
        """kb's keys panel (also from the palette's "Keys" command): kb's keys first, in the
        chosen language, then the focused widget's generic ones."""
        from kb.tui.widgets.keys import KeysPanel

        if not self.screen.query(KeysPanel):
            self.screen.mount(KeysPanel())

    def action_hide_help_panel(self) -> None:
        from kb.tui.widgets.keys import KeysPanel

        self.screen.query(KeysPanel).remove()

    def get_system_commands(self, screen: Screen):
        t = self.t
        yield SystemCommand(t("Home", "首页"), t("The start screen", "起始页"), self.action_home)
        yield SystemCommand(t("Browse", "浏览"), t("All entries by kind and tag", "按类型和标签浏览全部条目"),
                            self.action_browse)
        yield SystemCommand(t("Search", "搜索"), t("Full-text search in Chinese and English", "中英文全文搜索"),
                            self.action_search)
        yield SystemCommand(t("Review", "复习"), t("A quiz session: due items first", "测验：先复习到期的题目"),
                            self.action_review)
        yield SystemCommand(t("Progress", "进度"), t("Exercises, forecast, retention, heatmap", "练习、预测、记忆率、热力图"),
                            self.action_progress)
        yield SystemCommand(t("Content problems", "内容问题"), t("Problems found while loading content", "加载内容时发现的问题"),
                            self.action_problems)
        yield SystemCommand(t("Language: 中文 / English", "语言：中文 / English"),
                            t("Switch the interface and content language", "切换界面和内容的语言"),
                            self.action_toggle_language)
        yield SystemCommand(t("Light / dark theme", "明亮 / 暗色主题"), t("Switch the colour theme", "切换配色主题"),
                            self.action_toggle_theme)
        for command in super().get_system_commands(screen):
            yield command
