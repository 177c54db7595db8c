"""Browse: every entry, filtered by kind (left) and tag (top), as ``kb list``."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Header, OptionList, Select
from textual.widgets.option_list import Option

from kb.app.labels import KIND_IDS as KIND_ORDER
from kb.app.labels import exercise_mark, kind_plural, track_name
from kb.i18n import pick
from kb.tui.screens.base import KbScreen
from kb.tui.strings import kind_label
from kb.tui.widgets.keybar import KeyBar

ALL = "all"


def entry_prompt(summary, lang: str, *, show_kind: bool, mark: str = "") -> Text:
    """Two lines: the title (with its kind) and the summary, cut to one line."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if mark:
        text.append(mark + " ")
    text.append(pick(summary.title, lang), style="bold")
    if show_kind:
        text.append(f"  {kind_label(summary.kind, lang)}", style="dim")
    text.append("\n")
    text.append(pick(summary.summary, lang).replace("\n", " "), style="dim")
    return text


class BrowseScreen(KbScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="kb.back"),
        Binding("t", "focus_tags", "Tag", id="kb.filter-tag"),
        Binding("slash", "app.search", "Search", id="kb.search"),
    ]

    class Listed(Message):
        def __init__(self, rows: list, kind: str, tag: str | None, statuses: dict,
                     course: dict | None = None) -> None:
            super().__init__()
            self.rows, self.kind, self.tag, self.statuses = rows, kind, tag, statuses
            self.course = course or {}  # exercise id -> (track index, difficulty, id), and its track

    def __init__(self, kind: str = ALL) -> None:
        super().__init__()
        self.kind = kind
        self.tag: str | None = None
        self.rows: list = []
        self.tag_counts: list[tuple[str, int]] = []
        self.course: dict = {}
        self.statuses: dict = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="kinds-panel", classes="panel"):
                yield OptionList(id="kinds")
            with Vertical(id="entries-panel", classes="panel"):
                yield Select([], id="tag-select", allow_blank=True, compact=True)
                yield OptionList(id="entries")
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#entries").focus()

    def on_services(self, services) -> None:
        self.render_kinds()
        self.tag_counts = services.catalog.tags()
        self.render_tags()
        self.refresh_list()

    def render_tags(self) -> None:
        """The tag filter's options: each tag by its label in this language, whole."""
        if self.services is None:
            return
        label = self.services.catalog.tag_label
        tags = sorted(((f"{label(tag, self.lang)} ({n})", tag) for tag, n in self.tag_counts),
                      key=lambda option: option[0].casefold())
        select = self.query_one("#tag-select", Select)
        with select.prevent(Select.Changed):  # relabelling keeps the learner's filter
            select.set_options(tags)
            if self.tag in {tag for _, tag in tags}:
                select.value = self.tag

    def on_lang(self, lang: str) -> None:
        self.sub_title = self.t("Browse", "浏览")
        self.query_one("#kinds-panel").border_title = self.t("Kinds", "类型")
        self.query_one("#tag-select", Select).prompt = self.t("All tags", "全部标签")
        if self.services is not None:
            self.render_kinds()
            self.render_tags()
        self.render_entries()

    def select_kind(self, kind: str) -> None:
        self.kind = kind
        if self.services is not None and self.is_mounted:
            self.render_kinds()
            self.refresh_list()

    def render_kinds(self) -> None:
        options = self.query_one("#kinds", OptionList)
        counts = self.services.counts if self.services else {}
        items = [(ALL, self.t("All", "全部"), sum(counts.values()))]
        items += [(k, kind_plural(k, self.lang), counts.get(k, 0)) for k in KIND_ORDER if counts.get(k)]
        options.clear_options()
        for key, label, n in items:
            text = Text(no_wrap=True)
            text.append(label)
            text.pad_right(max(1, 18 - text.cell_len - len(str(n))))
            text.append(str(n), style="dim")
            options.add_option(Option(text, id=key))
        ids = [key for key, _, _ in items]
        options.highlighted = ids.index(self.kind) if self.kind in ids else 0

    @on(OptionList.OptionHighlighted, "#kinds")
    def kind_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.kind:
            self.kind = event.option.id
            self.refresh_list()

    @on(OptionList.OptionSelected, "#kinds")
    def kind_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#entries").focus()

    @on(Select.Changed, "#tag-select")
    def tag_changed(self, event: Select.Changed) -> None:
        tag = None if event.value is Select.NULL else str(event.value)
        if tag != self.tag:
            self.tag = tag
            self.refresh_list()

    def action_focus_tags(self) -> None:
        self.query_one("#tag-select").focus()

    def refresh_list(self) -> None:
        if self.services is not None:
            self.list_entries(self.services, self.kind, self.tag)

    @work(thread=True, exclusive=True, group="browse", exit_on_error=False)
    def list_entries(self, services, kind: str, tag: str | None) -> None:
        rows = services.catalog.list(kind=None if kind == ALL else kind, tag=tag)
        statuses = {}
        if services.store is not None and any(r.kind == "exercise" for r in rows):
            statuses = services.store.exercise_statuses()
        course = {}
        if kind == "exercise":  # the course order (track, then difficulty), as the CLI lists it
            from kb.exercises import course as in_order

            for position, ex in enumerate(in_order(services.catalog)):
                course[ex.id] = ((position,), ex.track)
        self.post_message(self.Listed(rows, kind, tag, statuses, course))

    def on_browse_screen_listed(self, message: Listed) -> None:
        if (message.kind, message.tag) != (self.kind, self.tag):
            return  # an older request
        order = {kind: i for i, kind in enumerate(KIND_ORDER)}
        self.course = message.course
        if self.course:
            self.rows = sorted(message.rows, key=lambda r: self.course.get(r.id, ((10**9,), ""))[0])
        else:
            self.rows = sorted(message.rows, key=lambda r: (order.get(r.kind, len(order)),
                                                             pick(r.title, "en", mark=False).casefold()))
        self.statuses = message.statuses
        self.render_entries()

    def render_entries(self) -> None:
        options = self.query_one("#entries", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        track = None
        for row in self.rows:
            if row.id in self.course and self.course[row.id][1] != track:
                track = self.course[row.id][1]
                in_track = [r.id for r in self.rows if self.course.get(r.id, (None, None))[1] == track]
                done = sum(1 for i in in_track if self.statuses.get(i) == "passed")
                name = track_name(track, self.lang)
                options.add_option(Option(Text(self.t(f"{name} · {done}/{len(in_track)} passed",
                                                      f"{name} · 已通过 {done}/{len(in_track)}"), style="bold"),
                                          disabled=True))
            mark = exercise_mark(self.statuses.get(row.id)) if row.kind == "exercise" else ""
            options.add_option(Option(entry_prompt(row, self.lang, show_kind=self.kind == ALL, mark=mark), id=row.id))
        if self.rows:
            count = options.option_count
            want = min(highlighted or 0, count - 1)
            while want < count - 1 and options.get_option_at_index(want).disabled:
                want += 1  # a track's heading is not an entry
            options.highlighted = want
        title = self.t("All entries", "全部条目") if self.kind == ALL else kind_plural(self.kind, self.lang)
        if self.tag:
            title += f" · #{self.services.catalog.tag_label(self.tag, self.lang) if self.services else self.tag}"
        panel = self.query_one("#entries-panel")
        panel.border_title = f"{title} ({len(self.rows)})"
        panel.border_subtitle = self.t("enter: open", "回车：打开")

    @on(OptionList.OptionSelected, "#entries")
    def entry_selected(self, event: OptionList.OptionSelected) -> None:
        row = next((r for r in self.rows if r.id == event.option.id), None)
        if row is None:
            return
        if row.kind == "exercise":
            self.app.open_workspace(row.id)
        else:
            self.app.open_entry(row.id)
