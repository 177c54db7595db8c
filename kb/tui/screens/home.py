"""Home: the learning path's next step, reviews due, exercises in progress, the
knowledge base at a glance, and content problems behind a count.

This is the first screen: it paints with placeholders before the catalog is open (no
SQLAlchemy, pydantic or NumPy needed), then a worker gathers what it shows: the
dashboard of kb.app.dashboard, whose figures ``kb progress`` prints too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.message import Message
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from kb.app.dashboard import Dashboard
from kb.app.labels import KIND_IDS, exercise_mark, kind_plural, step_mark, step_verb
from kb.errors import explain
from kb.i18n import pick
from kb.tui.screens.base import KbScreen
from kb.tui.widgets.keybar import KeyBar


def cache_file(roots_key: str) -> Path:
    from kb.paths import cache_dir

    return cache_dir() / f"tui-home-{roots_key}.json"


WINDOW = 9  # path steps shown on the home screen


class HomeScreen(KbScreen):
    BINDINGS = [
        Binding("c", "continue", "Continue", id="kb.continue"),
        Binding("b", "app.browse", "Browse", id="kb.browse", show=False),
        Binding("slash", "app.search", "Search", id="kb.search"),
        Binding("r", "app.review", "Review", id="kb.review"),
        Binding("x", "app.exercises", "Exercises", id="kb.exercises", show=False),
        Binding("p", "app.progress", "Progress", id="kb.progress", show=False),
        Binding("exclamation_mark", "app.problems", "Problems", id="kb.problems", show=False),
    ]

    class DataReady(Message):
        def __init__(self, data: Dashboard) -> None:
            super().__init__()
            self.data = data

    def __init__(self) -> None:
        super().__init__()
        self.data: Dashboard | None = None
        self.cached = False  # self.data is the last session's, shown while the worker refreshes it

    def compose(self) -> ComposeResult:
        # The panels are the widgets themselves, laid out by one grid: every widget costs
        # the first paint time (A/B: a container per panel and per row made it 1.45-1.6x
        # a bare app's first paint, this 1.2-1.35x), and the screen looks the same.
        yield Header()
        with Grid(id="home"):
            yield OptionList(id="actions", classes="panel")
            yield Static(id="path-steps", classes="panel")
            yield Static(id="exercise-list", classes="panel")
            yield Static(id="kb-counts", classes="panel")
        yield Static(id="problems-bar")
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.app, "load_error", lambda _error: self.render_all(), init=False)
        if self.data is None and self.services is None:
            self.data = self.read_cache()
            if self.data is not None:
                self.cached = True
                self.render_all()

    def on_screen_resume(self) -> None:
        if self.services is not None and self.data is not None:
            self.load(self.services)  # progress may have changed on another screen

    def on_services(self, services) -> None:
        self.load(services)

    @work(thread=True, exclusive=True, group="home", exit_on_error=False)
    def load(self, services) -> None:
        from kb.app.dashboard import dashboard

        try:
            data = dashboard(services)
        except Exception as exc:  # a store that went away, a locked file: say so, keep going
            data = Dashboard(counts=dict(services.counts), errors=len(services.errors),
                             warnings=len(services.warnings), store_error=explain(exc, self.app.lang))
        self.post_message(self.DataReady(data))
        if data.store_error is None:
            self.write_cache(data)

    def cache_key(self) -> str:
        roots = self.app.roots if self.app.roots is not None else ["<shipped>", *self.app.content_dirs]
        return hashlib.sha256("\n".join(str(r) for r in roots).encode()).hexdigest()[:16]

    def read_cache(self) -> Dashboard | None:
        """The home screen as it was at the end of the last session (shown until the
        worker has fresh figures; the learner sees it at once instead of placeholders)."""
        try:
            return Dashboard.from_json(cache_file(self.cache_key()).read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError):
            return None

    def write_cache(self, data: Dashboard) -> None:
        try:
            path = cache_file(self.cache_key())
            tmp = path.with_suffix(".tmp")
            tmp.write_text(data.to_json(), encoding="utf-8")
            tmp.replace(path)
        except OSError:
            pass

    def on_home_screen_data_ready(self, message: DataReady) -> None:
        self.data, self.cached = message.data, False
        self.render_all()
        self.refresh_bindings()

    def on_lang(self, lang: str) -> None:
        self.sub_title = self.t("deep learning, step by step", "深度学习，一步一步来")
        self.render_all()

    # -- drawing --------------------------------------------------------------------------

    def render_all(self) -> None:
        t, lang, data = self.t, self.lang, self.data
        self.query_one("#actions").border_title = t("Start", "开始")
        self.query_one("#path-steps").border_title = t("Learning path", "学习路径")
        self.query_one("#exercise-list").border_title = t("Exercises in progress", "进行中的练习")
        self.query_one("#kb-counts").border_title = t("Knowledge base", "知识库")
        self.render_actions()
        bar = self.query_one("#problems-bar", Static)
        error = self.app.load_error
        if error:
            # ``error`` is already a sentence (kb.errors.explain)
            bar.update(Text(t(f"Could not load the content. {error} Check the content folders and restart kb.",
                              f"无法加载内容。{error}请检查内容目录后重新启动 kb。"), style="bold"))
            bar.set_class(True, "has-problems")
            return
        if data is None:
            self.query_one("#path-steps", Static).update(t("Loading…", "加载中…"))
            bar.update("")
            return
        self.query_one("#path-steps", Static).update(self.path_text())
        self.query_one("#exercise-list", Static).update(self.exercise_text())
        self.query_one("#kb-counts", Static).update(self.counts_text())
        self.query_one("#path-steps").border_subtitle = t("updating…", "更新中…") if self.cached else ""
        if data.path is not None:
            self.query_one("#path-steps").border_title = f"{t('Learning path', '学习路径')} · {pick(data.path['title'], lang)}"
        bar.set_class(bool(data.errors or data.store_error), "has-problems")
        parts = []
        if data.store_error:
            parts.append(t(f"⚠ Progress is not saved: {data.store_error}", f"⚠ 学习进度无法保存：{data.store_error}"))
        if data.errors:
            parts.append(t(f"⚠ {data.errors} content problem{'s' if data.errors != 1 else ''} — press ! to see them",
                           f"⚠ {data.errors} 个内容问题 —— 按 ! 查看"))
        elif data.warnings:
            parts.append(t(f"{data.warnings} content warning{'s' if data.warnings != 1 else ''} (press ! to see them)",
                           f"{data.warnings} 个内容警告（按 ! 查看）"))
        bar.update(Text("\n".join(parts)))
        bar.display = bool(parts)

    def render_actions(self) -> None:
        t, data = self.t, self.data
        options = self.query_one("#actions", OptionList)
        highlighted = options.highlighted
        step = data.step(data.next_step) if data else None
        items = []
        if data is not None and data.path is not None:
            if step is not None:
                what = f"{step_verb(step['do'], self.lang)} “{self.step_title(step)}”"
                items.append(("continue", f"▶ {t('Continue: ', '继续：')}{what}"))
            else:
                items.append(("continue", f"✓ {t('Path complete — well done!', '学习路径已完成，太棒了！')}"))
        if data is None:
            review = t("Review", "复习")
        elif data.due:
            review = t(f"Review: {data.due} due now", f"复习：{data.due} 道题到期")
        elif data.new:
            review = t(f"Quiz: {data.new} new questions", f"测验：{data.new} 道新题")
        else:
            review = t("Review: nothing due", "复习：暂无到期题目")
        items.append(("review", f"⟳ {review}"))
        # ≡, not ☰: terminals draw U+2630 one cell wide, Rich counts two (a stray border at 80×24)
        items.append(("browse", f"≡ {t('Browse the knowledge base', '浏览知识库')}"))
        items.append(("search", f"⌕ {t('Search', '搜索')}"))
        items.append(("exercises", f"✎ {t('Exercises', '练习')}"))
        items.append(("progress", f"▦ {t('Progress', '学习进度')}"))
        keys = {"continue": "c", "review": "r", "browse": "b", "search": "/", "exercises": "x", "progress": "p"}
        options.clear_options()
        # each line shows its key, so the footer can stay short at 80 columns
        options.add_options([Option(Text.assemble(label, (f"  {keys[key]}", "dim")), id=key) for key, label in items])
        if options.option_count:
            options.highlighted = min(highlighted or 0, options.option_count - 1)

    def step_title(self, step: dict) -> str:
        return pick(step["title"], self.lang) if step.get("title") else step["ref"]

    @property
    def shown(self) -> Dashboard:
        """The dashboard being drawn (the panes are drawn only once there is one)."""
        assert self.data is not None
        return self.data

    def path_text(self) -> Text:
        t, data = self.t, self.shown
        out = Text()
        if data.store_error:
            return Text(t("Progress store unavailable.", "进度存储不可用。"), style="dim")
        if data.path is None:
            return Text(t("No learning path in the content.", "内容中没有学习路径。"), style="dim")
        done = data.steps_done
        out.append(t(f"{done} of {len(data.steps)} steps done\n", f"已完成 {done}/{len(data.steps)} 步\n"), style="dim")
        steps = data.steps
        if len(steps) > WINDOW:  # a long path: the last steps done, the next one, what follows
            at = next((i for i, s in enumerate(steps) if s["index"] == data.next_step), len(steps) - 1)
            first = max(0, min(at - 2, len(steps) - WINDOW))
            if first:
                out.append(t(f"  … {first} earlier\n", f"  … 前面还有 {first} 步\n"), style="dim")
            steps = steps[first:first + WINDOW]
        for s in steps:
            current = s["index"] == data.next_step
            style = "bold" if current else ("dim" if s["state"] == "done" else "")
            out.append(f"{'→' if current else ' '} {step_mark(s['state'])} ", style="bold" if current else "dim")
            line = f"{step_verb(s['do'], self.lang)} {self.step_title(s)}"
            if s["do"] == "quiz" and s["total"] > 1:
                line += f" ({s['done']}/{s['total']})"
            out.append(line + "\n", style=style)
        later = len(data.steps) - (data.steps.index(steps[-1]) + 1) if steps else 0
        if later > 0:
            out.append(t(f"  … {later} more", f"  … 后面还有 {later} 步"), style="dim")
        out.rstrip()
        return out

    def exercise_text(self) -> Text:
        t, data, lang = self.t, self.shown, self.lang
        out = Text()
        if data.in_progress:
            for s in data.in_progress[:6]:
                out.append(f"{exercise_mark(s.get('state', 'attempted'))} ", style="dim")
                out.append(pick(s["title"], lang) + "\n")
        else:
            out.append(t("None started yet — press x.\n", "还没有开始的练习 —— 按 x 选择。\n"), style="dim")
        out.append(t(f"{data.passed} of {data.exercises} passed", f"已通过 {data.passed}/{data.exercises}"), style="dim")
        return out

    def counts_text(self) -> Text:
        out = Text()
        for kind in KIND_IDS:
            n = self.shown.counts.get(kind, 0)
            if n:
                out.append(f"{n:>4} ", style="bold")
                out.append(kind_plural(kind, self.lang) + "\n")
        out.rstrip()
        return out

    # -- actions --------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#actions")
    async def chosen(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id
        if key == "continue":
            self.action_continue()
        elif key in ("review", "browse", "search", "exercises", "progress"):
            await self.run_action(f"app.{key}")  # run_action is a coroutine: unawaited, nothing happened

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "continue":
            return self.data is not None and self.data.path is not None  # nothing to continue yet
        return super().check_action(action, parameters)

    def action_continue(self) -> None:
        data = self.data
        step = data.step(data.next_step) if data else None
        if step is None:
            if data is not None and data.path is not None:
                self.app.open_entry(data.path["id"])
            return
        if step["do"] == "read":
            self.app.open_entry(step["ref"])
        elif step["do"] == "exercise":
            self.app.open_workspace(step["ref"])
        else:
            from kb.tui.screens.quiz import QuizScreen

            self.app.push_screen(QuizScreen(step_ref=step["ref"]))

    def on_click(self, event) -> None:
        if event.widget is not None and event.widget.id == "problems-bar":
            self.app.action_problems()
