"""Search: type-ahead over the same query layer as ``kb search`` (FTS5 trigram + LIKE
for short CJK terms), debounced, run in a thread worker; Enter opens a result."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from kb.i18n import pick
from kb.tui.screens.base import KbScreen
from kb.tui.strings import kind_label
from kb.tui.widgets.keybar import KeyBar

DEBOUNCE_S = 0.15
LIMIT = 30


def hit_prompt(hit, lang: str) -> Text:
    """Kind, title, and the snippet with the matched terms highlighted."""
    text = Text()
    text.append(f"{kind_label(hit.kind, lang)}  ", style="dim")
    text.append(pick(hit.title, lang), style="bold")
    text.append("\n")
    snippet = Text(hit.snippet.replace("\n", " "), style="dim")
    for start, end in hit.highlights:
        snippet.stylize("bold reverse", start, end)
    text.append_text(snippet)
    return text


class SearchScreen(KbScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="kb.back"),
        Binding("down", "to_results", show=False),
    ]

    class Results(Message):
        def __init__(self, query: str, hits: list, lang: str) -> None:
            super().__init__()
            self.query, self.hits, self.lang = query, hits, lang

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self.query_text = ""
        self.hits: list = []
        self.searched = False
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="search-box"):
            yield Input(value=self.initial, id="search-input")
        yield Static(id="search-status")
        yield OptionList(id="results")
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#search-input").focus()
        if self.initial:
            self.schedule(self.initial, now=True)

    def on_services(self, services) -> None:
        if self.query_text:
            self.schedule(self.query_text, now=True)

    def on_lang(self, lang: str) -> None:
        self.sub_title = self.t("Search", "搜索")
        self.query_one("#search-input", Input).placeholder = self.t(
            "Search in English or 中文 — e.g. overfitting, 激活函数", "用中文或 English 搜索，例如：过拟合、activation")
        if self.query_text and self.services is not None:
            self.schedule(self.query_text, now=True)  # snippets come in the chosen language
        else:
            self.render_results()

    @on(Input.Changed, "#search-input")
    def changed(self, event: Input.Changed) -> None:
        self.schedule(event.value)

    def schedule(self, query: str, now: bool = False) -> None:
        self.query_text = query
        self.searched = False  # until this query's results arrive
        if self._debounce is not None:
            self._debounce.stop()
        if now:
            self.start_search()
        else:
            self._debounce = self.set_timer(DEBOUNCE_S, self.start_search)

    def start_search(self) -> None:
        query = self.query_text.strip()
        if not query:
            self.hits, self.searched = [], False
            self.render_results()
            return
        if self.services is None:
            self.query_one("#search-status", Static).update(self.t("Loading the index…", "正在加载索引…"))
            return
        self.search(self.services, query, self.lang)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def search(self, services, query: str, lang: str) -> None:
        hits = services.catalog.search(query, limit=LIMIT, lang=lang)
        self.post_message(self.Results(query, hits, lang))

    def on_search_screen_results(self, message: Results) -> None:
        if message.query != self.query_text.strip():
            return  # the learner typed on
        self.hits, self.searched = message.hits, True
        self.render_results()

    def render_results(self) -> None:
        options = self.query_one("#results", OptionList)
        options.clear_options()
        for hit in self.hits:
            options.add_option(Option(hit_prompt(hit, self.lang), id=hit.id))
        status = self.query_one("#search-status", Static)
        query = self.query_text.strip()
        if not query:
            status.update(self.t("Type to search titles, summaries and text. ↓ to the results, Enter opens.",
                                 "输入关键词搜索标题、摘要和正文。↓ 进入结果，回车打开。"))
        elif self.searched and not self.hits:
            status.update(self.t(f"No results for “{query}”. Try fewer or other words, in either language.",
                                 f"没有找到“{query}”的结果。试试更少或别的词，中英文都可以。"))
        elif self.searched:
            n = len(self.hits)
            more = "+" if n >= LIMIT else ""
            status.update(self.t(f"{n}{more} result{'s' if n != 1 else ''} — ↓ to choose, Enter to open",
                                 f"{n}{more} 个结果 —— ↓ 选择，回车打开"))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#search-input")
    def submitted(self, event: Input.Submitted) -> None:
        if self.hits:
            self.open_hit(self.hits[0].id)

    def action_to_results(self) -> None:
        results = self.query_one("#results", OptionList)
        if results.option_count and self.focused is self.query_one("#search-input"):
            results.focus()
            results.highlighted = 0

    @on(OptionList.OptionSelected, "#results")
    def selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_hit(event.option.id)

    def open_hit(self, entry_id: str) -> None:
        hit = next((h for h in self.hits if h.id == entry_id), None)
        if hit is not None and hit.kind == "exercise":
            self.app.open_workspace(entry_id)
        else:
            self.app.open_entry(entry_id)

    def on_key(self, event) -> None:
        # Typing anywhere on the screen goes to the search box.
        field = self.query_one("#search-input", Input)
        if event.is_printable and self.focused is not field:
            field.focus()
            field.insert_text_at_cursor(event.character or "")
            event.stop()
