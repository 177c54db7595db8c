"""The Textual app. Only this package imports Textual; the core never does."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def run(lang: str = "en", content: list[str] | None = None) -> int:
    """Open the app (``kb`` with no command). ``lang`` is the resolved language;
    ``--lang`` or ``KB_LANG`` make it beat the language remembered from last time."""
    from kb.i18n import tr

    for folder in content or []:
        if not Path(folder).is_dir():
            print(tr(lang, f"kb: content pack '{folder}' is not a readable directory",
                     f"kb：内容包“{folder}”不是可读取的目录"), file=sys.stderr)
            from kb.errors import UNAVAILABLE

            return UNAVAILABLE  # as every command says it (kb.errors)
    explicit = bool(os.environ.get("KB_LANG")) or any(a == "--lang" or a.startswith("--lang=") for a in sys.argv[1:])

    from kb.tui.app import KbApp

    KbApp(lang=lang, content=content or [], lang_explicit=explicit).run()
    return 0
