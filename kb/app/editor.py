"""Opening the learner's file in their own editor (``$VISUAL``, else ``$EDITOR``), for
``kb exercise open`` and the workspace's "open in editor" key. The faces decide when the
terminal is handed over (the TUI suspends itself first); this runs the editor and says,
in both languages, why it could not."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path


class EditorError(Exception):
    """The editor could not be run, or failed: one sentence with a way forward."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def editor_command(environ: dict[str, str] | None = None) -> list[str] | None:
    """The editor as an argument list (``$VISUAL`` beats ``$EDITOR``, as in git), or None
    when neither names one. A value may carry options (``code --wait``)."""
    env = os.environ if environ is None else environ
    for var in ("VISUAL", "EDITOR"):
        value = env.get(var, "").strip()
        if value:
            try:
                argv = shlex.split(value)
            except ValueError:  # an unbalanced quote: taken as one program name
                argv = [value]
            if argv:
                return argv
    return None


def run_editor(path: Path) -> None:
    """Run the editor on ``path`` and wait for it. Raises :class:`EditorError` when no
    editor is set, it cannot be started, or it exits with an error."""
    argv = editor_command()
    if argv is None:
        raise EditorError(
            f"No editor is set: set VISUAL or EDITOR (e.g. export EDITOR=nano), or open {path} yourself.",
            f"没有设置编辑器：请设置 VISUAL 或 EDITOR（例如 export EDITOR=nano），或自行打开 {path}。")
    try:
        code = subprocess.run([*argv, str(path)], check=False).returncode
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise EditorError(
            f"The editor '{argv[0]}' could not be started ({reason}): check VISUAL / EDITOR, or open {path} yourself.",
            f"无法启动编辑器“{argv[0]}”（{reason}）：请检查 VISUAL / EDITOR，或自行打开 {path}。") from None
    if code != 0:
        raise EditorError(
            f"The editor '{argv[0]}' exited with status {code}; your file is as the editor left it ({path}).",
            f"编辑器“{argv[0]}”以状态 {code} 退出；你的文件保持编辑器留下的样子（{path}）。")
