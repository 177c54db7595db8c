"""The Textual app. Only this package imports Textual."""


def run(lang: str = "en", content: list[str] | None = None) -> int:
    from kb.tui.app import KbApp

    KbApp(lang=lang, content=content or []).run()
    return 0
