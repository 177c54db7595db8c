"""Content problems found while loading (``kb validate`` shows the same lines): errors
first, then warnings, each as ``path:line:col: field: message``."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from kb.tui.screens.base import KbScreen
from kb.tui.widgets.keybar import KeyBar


class ProblemsScreen(KbScreen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="kb.back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="problems-summary")
        yield OptionList(id="problem-list")
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#problem-list").focus()

    def on_lang(self, lang: str) -> None:
        self.sub_title = self.t("Content problems", "内容问题")
        self.render_problems()

    def on_services(self, services) -> None:
        self.render_problems()

    def render_problems(self) -> None:
        services = self.services
        summary = self.query_one("#problems-summary", Static)
        options = self.query_one("#problem-list", OptionList)
        options.clear_options()
        if services is None:
            summary.update(self.t("Loading…", "加载中…"))
            return
        errors, warnings = services.errors, services.warnings
        if not errors and not warnings:
            summary.update(self.t("No problems: every content file loaded cleanly.", "没有问题：所有内容文件都已正常加载。"))
            return
        loaded = sum(services.counts.values())
        summary.update(Text(self.t(
            f"{len(errors)} error{'s' if len(errors) != 1 else ''} and {len(warnings)} warning"
            f"{'s' if len(warnings) != 1 else ''}. The other {loaded} entries loaded and work. "
            "Fix a file and restart kb (or run `kb validate`) to check it again.",
            f"{len(errors)} 个错误，{len(warnings)} 个警告。其余 {loaded} 个条目已正常加载。"
            "修改文件后重新启动 kb（或运行 `kb validate`）再检查。")))
        for p in errors + warnings:
            text = Text(no_wrap=False)
            if p.severity == "error":
                text.append(self.t("error   ", "错误  "), style="bold red")
            else:
                text.append(self.t("warning ", "警告  "), style="yellow")
            text.append(f"{p.path}:{p.line}:{p.col}", style="bold")
            text.append(f": {p.field or '-'}: {p.message}")
            options.add_option(Option(text))
