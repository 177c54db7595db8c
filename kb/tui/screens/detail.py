"""Detail: an entry's Markdown (``kb show``), its plot, and its links — prerequisites,
related entries and backlinks — that navigate, with back/forward history."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Header, Markdown, OptionList, Static
from textual.widgets.option_list import Option
from textual.content import Content

from kb.tui.widgets.prose import Prose, ProseMarkdown, ProseVisual  # Chinese wraps by kinsoku rules
from kb.app.entry import EntryView
from kb.app.labels import exercise_mark, exercise_state_label, step_mark
from kb.errors import explain
from kb.i18n import pick
from kb.tui.screens.base import KbScreen
from kb.tui.strings import kind_label
from kb.tui.widgets.keybar import KeyBar


def link_groups(data: EntryView) -> list[tuple[tuple[str, str], list[str], str]]:
    """(heading (en, zh), ids, arrow) for each group of links an entry has."""
    e = data.entry
    groups = []
    if e.prerequisites:
        groups.append((("Prerequisites", "前置知识"), list(e.prerequisites), "↑"))
    if getattr(e, "concepts", None):
        groups.append((("Concepts", "相关概念"), list(e.concepts), "→"))
    related = list(e.related)
    if getattr(e, "successor", None):
        groups.append((("Successor", "后继"), [e.successor], "→"))
    if related:
        groups.append((("Related", "相关"), related, "→"))
    if data.backlinks:
        groups.append((("Linked from", "被引用于"), [b.src.id for b in data.backlinks], "←"))
    return groups


class DetailScreen(KbScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="kb.back"),
        Binding("left_square_bracket,alt+left", "history(-1)", "Prev", id="kb.history-back"),
        Binding("right_square_bracket,alt+right", "history(1)", "Next", id="kb.history-forward"),
        Binding("w", "workspace", "Workspace", id="kb.workspace"),
        Binding("q", "quiz", "Quiz", id="kb.start-quiz"),
        Binding("f", "follow", "Follow path", id="kb.follow"),
        Binding("slash", "app.search", "Search", id="kb.search"),
    ]

    class EntryLoaded(Message):
        def __init__(self, data: EntryView) -> None:
            super().__init__()
            self.data = data

    def __init__(self, entry_id: str) -> None:
        super().__init__()
        self.history: list[str] = [entry_id]
        self.position = 0
        self.data: EntryView | None = None  # kb.app.entry: what this screen draws

    @property
    def entry_id(self) -> str:
        return self.history[self.position]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with VerticalScroll(id="detail-body"):
                yield ProseMarkdown(id="md", open_links=False)
                yield Prose(id="detail-actions")
            with Vertical(id="links-panel", classes="panel"):
                yield OptionList(id="links")
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#detail-body").focus()

    def on_services(self, services) -> None:
        self.load(services, self.entry_id)

    def on_lang(self, lang: str) -> None:
        self.query_one("#links-panel").border_title = self.t("Links", "链接")
        self.render_entry()

    def on_resize(self, event) -> None:
        self.query_one("#links-panel").set_class(self.size.width < 100, "narrow")

    # -- history ----------------------------------------------------------------------

    def navigate(self, entry_id: str) -> None:
        if entry_id == self.entry_id:
            return
        del self.history[self.position + 1:]
        self.history.append(entry_id)
        self.position = len(self.history) - 1
        self.show_current()

    def action_history(self, step: int) -> None:
        target = self.position + step
        if 0 <= target < len(self.history):
            self.position = target
            self.show_current()
        else:
            self.app.bell()

    def show_current(self) -> None:
        self.refresh_bindings()
        if self.services is not None:
            self.load(self.services, self.entry_id)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        kind = getattr(self.data.entry, "kind", None) if self.data else None
        if action == "workspace":
            return bool(self.data and self.data.exercise_id)
        if action == "follow":
            return kind == "path"
        if action == "quiz":
            return bool(self.data and self.data.quiz_items)
        if action == "history":
            step = parameters[0]  # the bindings pass -1 or 1
            target = self.position + (step if isinstance(step, int) else 0)
            return 0 <= target < len(self.history)  # shown only when there is somewhere to go
        return super().check_action(action, parameters)

    # -- loading ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load(self, services, entry_id: str) -> None:
        from kb.app.entry import entry_view

        data = entry_view(services, entry_id)  # opening an entry reads it (a path's read step)
        self.post_message(self.EntryLoaded(data))

    def on_detail_screen_entry_loaded(self, message: EntryLoaded) -> None:
        if message.data.entry_id != self.entry_id:
            return
        first = self.data is None or self.data.entry_id != message.data.entry_id
        self.data = message.data
        self.render_entry()
        if first:
            self.query_one("#detail-body", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()

    # -- drawing ----------------------------------------------------------------------

    def render_entry(self) -> None:
        data, t, lang = self.data, self.t, self.lang
        md = self.query_one("#md", Markdown)
        actions = self.query_one("#detail-actions", Static)
        if data is None:
            self.sub_title = ""
            md.update(t("Loading…", "加载中…"))
            return
        if data.entry is None:
            self.sub_title = data.entry_id
            md.update(t(f"# Not found\n\nThere is no entry with id `{data.entry_id}` in the loaded content. "
                        "Press `[` to go back or `/` to search.",
                        f"# 未找到\n\n已加载的内容中没有 id 为 `{data.entry_id}` 的条目。按 `[` 返回，或按 `/` 搜索。"))
            self.render_links()
            self.set_plot(None)
            actions.update("")
            return
        from kb.render import entry_markdown

        entry = data.entry
        self.sub_title = f"{kind_label(entry.kind, lang)} · {pick(entry.title, lang)}"
        text = entry_markdown(entry, lang, step_titles={s.ref: s.title for s in data.steps if s.title is not None},
                              step_marks={s.index: step_mark(s.state) for s in data.steps})
        if entry.tags:  # by label, whole, in this language (a pack's unlabelled tag by its slug)
            labels = [pick(data.tag_labels[tag], lang, mark=False) if tag in data.tag_labels else tag
                      for tag in entry.tags]
            text = text.rstrip("\n") + f"\n\n**{t('Tags:', '标签：')}** " + t(", ", "、").join(labels) + "\n"
        md.update(text)
        self.set_plot(getattr(entry, "plot", None))
        lines = []
        practice = data.exercise_id if entry.kind != "exercise" else None
        if practice is not None:
            title = pick(data.titles[practice].title, lang) if practice in data.titles else practice
            lines.append(t(f"Press w to practise this in the workspace: {title}.", f"按 w 在练习区动手练习：{title}。"))
        if entry.kind == "exercise":
            state = data.exercise_status
            status = (f"{exercise_mark(state)} {exercise_state_label(state, lang)}" if state
                      else t("not started", "尚未开始"))
            lines.append(t(f"Press w to open the workspace ({status}).", f"按 w 打开练习区（{status}）。"))
        if entry.kind == "path":
            lines.append(t("Press f to follow this path on the home screen; enter on a step opens it.",
                           "按 f 在首页跟随这条路径；在步骤上按回车即可打开。"))
        if data.quiz_items:
            lines.append(t(f"Press q to answer {data.quiz_items} question{'s' if data.quiz_items != 1 else ''} on this.",
                           f"按 q 回答与此相关的 {data.quiz_items} 道题。"))
        actions.update(Text("\n".join(lines)))
        actions.display = bool(lines)
        self.render_links()

    def set_plot(self, plot) -> None:
        existing = self.query("#plot")
        if plot is None:
            existing.remove()
            return
        from kb.tui.widgets.plots import FunctionPlot

        if existing:
            # Redrawn in place: removing it and mounting another "#plot" at once collided on
            # the id (DuplicateIds) when a link led from one plotted concept to another.
            widget = existing.first(FunctionPlot)
            widget.function, widget.x_min, widget.x_max = plot.function, plot.x_min, plot.x_max
            widget.set_lang(self.lang)
            return
        self.query_one("#detail-body").mount(
            FunctionPlot(plot.function, plot.x_min, plot.x_max, self.lang, id="plot"), after="#md")

    def render_links(self) -> None:
        data, t, lang = self.data, self.t, self.lang
        options = self.query_one("#links", OptionList)
        options.clear_options()
        if data is None or data.entry is None:
            return
        added = 0
        if data.steps:
            options.add_option(Option(Text(t("Steps", "步骤"), style="bold"), disabled=True))
            for s in data.steps:
                title = pick(s.title, lang) if s.title is not None else s.ref
                options.add_option(Option(ProseVisual(Content(f"{step_mark(s.state)} {s.index}. {title}")),
                                          id=f"{s.ref}#step{s.index}", disabled=s.state == "missing"))
                added += 1
        for heading, ids, arrow in link_groups(data):
            options.add_option(Option(Text(t(*heading), style="bold"), disabled=True))
            for ident in ids:
                summary = data.titles.get(ident)
                if summary is None:
                    options.add_option(Option(Text(f"{arrow} {ident} ({t('missing', '缺失')})", style="dim"),
                                              disabled=True))
                    continue
                label = Text(f"{arrow} ")
                label.append(pick(summary.title, lang))
                if heading[0] == "Linked from":
                    label.append(f" · {kind_label(summary.kind, lang)}", style="dim")
                # wrapped by kb's rules: a Chinese title breaks between characters, not
                # after the arrow
                options.add_option(Option(ProseVisual(Content.from_rich_text(label)), id=f"{ident}#{heading[0]}"))
                added += 1
        if not added:
            options.add_option(Option(Text(t("No links.", "没有链接。"), style="dim"), disabled=True))

    # -- actions ----------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#links")
    def link_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        ident = option_id.split("#", 1)[0]
        if not ident:
            return
        if self.data is not None and self.data.steps and "#step" in option_id:
            step = next((s for s in self.data.steps if f"#step{s.index}" in option_id), None)
            if step is not None and step.do == "exercise":
                self.app.open_workspace(step.ref)
                return
            if step is not None and step.do == "quiz":
                from kb.tui.screens.quiz import QuizScreen

                self.app.push_screen(QuizScreen(step_ref=step.ref))
                return
        self.navigate(ident)

    @on(Markdown.LinkClicked)
    def markdown_link(self, event: Markdown.LinkClicked) -> None:
        href = event.href
        if href.startswith(("http://", "https://")):
            self.app.open_url(href)
        elif href.startswith("kb:"):
            self.navigate(href[3:])

    def action_workspace(self) -> None:
        if self.data is not None and self.data.exercise_id is not None:
            self.app.open_workspace(self.data.exercise_id)

    def action_follow(self) -> None:
        if self.data is not None and self.data.entry is not None and self.data.entry.kind == "path":
            self.follow_path(self.services, self.data.entry_id)

    @work(thread=True, group="detail-follow", exit_on_error=False)
    def follow_path(self, services, path_id: str) -> None:
        """The home screen follows this path from now on (the ``current_path`` setting)."""
        if services is None or services.store is None:
            return
        try:
            services.store.set_setting("current_path", path_id)
        except Exception as exc:
            self.app.call_from_thread(self.notify, explain(exc, self.app.lang), severity="error")
            return
        self.app.call_from_thread(self.notify, self.t("The home screen now follows this path.",
                                                      "首页现在跟随这条学习路径。"))

    def action_quiz(self) -> None:
        if self.data is None or not self.data.quiz_items:
            return
        from kb.tui.screens.quiz import QuizScreen

        self.app.push_screen(QuizScreen(step_ref=self.data.entry_id))
