from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class KbApp(App):
    TITLE = "kb"

    def __init__(self, lang: str = "en", content: list[str] | None = None) -> None:
        super().__init__()
        self.lang = lang
        self.content_dirs = content or []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("kb")
        yield Footer()
