"""Progress: the figures of ``kb progress`` — due now and the 14-day forecast, true
vs desired retention, the review heatmap calendar, mastery per tag and exercises
passed per topic. Numbers come from ``kb.progress.stats``; this screen only draws."""

from __future__ import annotations

from datetime import date, datetime, timezone

from rich.cells import set_cell_size
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Header, Static

from kb.i18n import pick
from kb.tui.screens.base import KbScreen
from kb.tui.widgets.charts import Heatmap, bar_chart, meter
from kb.tui.widgets.prose import Prose  # Chinese sentences wrap by kinsoku rules
from kb.tui.widgets.keybar import KeyBar


def local_tz():
    return datetime.now().astimezone().tzinfo or timezone.utc


def exercises_by_topic(summaries, passed: set[str], statuses: dict) -> list[tuple[str, int, int]]:
    """(topic, passed, total) per exercise tag (an untagged exercise counts under "—")."""
    topics: dict[str, list] = {}
    for s in summaries:
        if s.kind != "exercise":
            continue
        for tag in (s.tags or ("—",)):
            topics.setdefault(tag, []).append(s.id)
    return [(tag, sum(1 for i in ids if i in passed), len(ids)) for tag, ids in sorted(topics.items())]


class ProgressScreen(KbScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="kb.back"),
        Binding("r", "app.review", "Review", id="kb.review"),
    ]

    class Figures(Message):
        def __init__(self, figures: dict | None, topics: list, error: str | None = None,
                     tag_labels: dict | None = None) -> None:
            super().__init__()
            self.figures, self.topics, self.error = figures, topics, error
            self.tag_labels = tag_labels or {}  # slug -> label, {en, zh}

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict | None = None
        self.topics: list = []
        self.error: str | None = None
        self.tag_labels: dict = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="progress-body"):
            with Horizontal(id="progress-top"):
                with Vertical(id="today-panel", classes="panel stat-panel"):
                    yield Prose(id="today")
                with Vertical(id="retention-panel", classes="panel stat-panel"):
                    yield Prose(id="retention")
            with Vertical(id="forecast-panel", classes="panel stat-panel"):
                yield Static(id="forecast")
            with Vertical(id="heatmap-panel", classes="panel stat-panel"):
                yield Heatmap(id="heatmap")
            with Horizontal(id="progress-bottom"):
                with Vertical(id="topics-panel", classes="panel stat-panel"):
                    yield Static(id="topics")
                with Vertical(id="mastery-panel", classes="panel stat-panel"):
                    yield Static(id="mastery")
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#progress-body").focus()

    def on_services(self, services) -> None:
        self.load(services)

    def on_screen_resume(self) -> None:
        if self.services is not None and self.figures is not None:
            self.load(self.services)

    @work(thread=True, exclusive=True, group="progress", exit_on_error=False)
    def load(self, services) -> None:
        if services.store is None:
            self.post_message(self.Figures(None, [], services.store_error or "no progress store"))
            return
        from kb.progress import stats

        scope = stats.catalog_scope(services.catalog)
        tz = getattr(self.app, "tz", None) or local_tz()
        figures = stats.summary(services.store, tz=tz, **scope)
        statuses = services.store.exercise_statuses()
        passed = {k for k, v in statuses.items() if v == "passed"}
        self.post_message(self.Figures(figures, exercises_by_topic(services.summaries, passed, statuses),
                                       tag_labels=services.catalog.tag_labels()))

    def on_progress_screen_figures(self, message: Figures) -> None:
        self.figures, self.topics, self.error = message.figures, message.topics, message.error
        self.tag_labels = message.tag_labels
        self.render_figures()

    def on_lang(self, lang: str) -> None:
        self.sub_title = self.t("Progress", "学习进度")
        self.render_figures()

    def on_resize(self) -> None:
        self.query_one("#heatmap").refresh()

    def tag_name(self, tag: str) -> str:
        label = self.tag_labels.get(tag)
        return pick(label, self.lang, mark=False) if label is not None else tag

    def render_figures(self) -> None:
        t, lang, f = self.t, self.lang, self.figures
        titles = {"#today-panel": t("Today", "今天"), "#retention-panel": t("Retention", "记忆保持率"),
                  "#forecast-panel": t("Due in the next 14 days", "未来 14 天到期"),
                  "#heatmap-panel": t("Reviews in the last year", "过去一年的复习"),
                  "#topics-panel": t("Exercises passed by topic", "各主题已通过的练习"),
                  "#mastery-panel": t("Mastery by tag", "各标签掌握程度")}
        for wid, title in titles.items():
            self.query_one(wid).border_title = title
        today = self.query_one("#today", Static)
        if self.error:
            today.update(Text(t(f"Progress is unavailable: {self.error}", f"无法读取学习进度：{self.error}")))
            return
        if f is None:
            today.update(t("Loading…", "加载中…"))
            return
        items = f["items"]
        lines = Text()
        lines.append(f"{f['due_now']:>5} ", style="bold")
        lines.append(t("due now\n", "道题到期\n"))
        if items.get("new") is not None:
            lines.append(f"{items['new']:>5} ", style="bold")
            lines.append(t(f"new of {items['total']} questions\n", f"道新题（共 {items['total']} 道）\n"))
        lines.append(f"{f['streak_days']:>5} ", style="bold")
        lines.append(t("day streak\n", "天连续学习\n"))
        lines.append(f"{f['reviews_last_year']:>5} ", style="bold")
        lines.append(t("reviews this year", "次复习（一年内）"))
        today.update(lines)

        r = f["retention"]
        desired = r["desired"]
        recent, all_time = r["recent"], r["all_time"]
        ret = Text()

        def pct(x):
            return "—" if x is None else f"{x * 100:.0f}%"

        rows = [(t("desired", "目标"), desired, ""),
                (t(f"true, {r['window_days']} days", f"实际（{r['window_days']} 天）"), recent["true_retention"], "bold"),
                (t("true, all time", "实际（全部）"), all_time["true_retention"], "")]
        for label, value, style in rows:
            ret.append(set_cell_size(label, 15) + " ", style="dim")
            ret.append(f"{meter(value, 12)} {pct(value)}\n", style=style if value is not None else "dim")
        if recent["reviews"] == 0:
            ret.append(t("Measured on reviews of learned items; none yet.",
                         "按已学会题目的复习计算；目前还没有。"), style="dim")
        else:
            ret.append(t(f"{recent['passed']} of {recent['reviews']} reviews recalled",
                         f"{recent['reviews']} 次复习中记住 {recent['passed']} 次"), style="dim")
        self.query_one("#retention", Static).update(ret)

        days = f["forecast"]
        values = [d["due"] for d in days]
        labels = [str(date.fromisoformat(d["date"]).day) for d in days]
        chart = bar_chart(values, labels, height=4)
        if not any(values):
            chart = Text(t("Nothing falls due in the next two weeks.", "未来两周没有到期的题目。"), style="dim")
        self.query_one("#forecast", Static).update(chart)
        self.query_one("#heatmap", Heatmap).set_data(f["reviews_per_day"], lang)

        topics = Text()
        if not self.topics:
            topics.append(t("No exercises in the content.", "内容中没有练习。"), style="dim")
        # A tag by its label, whole: after the figures, so the meters stay aligned however long it is.
        for tag, passed, total in self.topics:
            topics.append(meter(passed / total if total else 0, 10), style="green")
            topics.append(f" {passed:>2}/{total:<2} {self.tag_name(tag)}\n")
        topics.rstrip()
        self.query_one("#topics", Static).update(topics)

        mastery = Text()
        rows = f["mastery_by_tag"]
        if not rows:
            mastery.append(t("No quiz questions in the content.", "内容中没有测验题。"), style="dim")
        for row in rows:
            mastery.append(meter(row["mastery"], 10), style="cyan")
            mastery.append(f" {row['mastery'] * 100:>3.0f}% {self.tag_name(row['tag'])}  ")
            mastery.append(t(f"{row['seen']}/{row['items']} seen\n", f"已学 {row['seen']}/{row['items']}\n"), style="dim")
        mastery.rstrip()
        self.query_one("#mastery", Static).update(mastery)
