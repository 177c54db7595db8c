"""The ``kb`` command line. Each command group lives in its own module with a
``register(subparsers)`` function; heavy imports happen inside handlers so that
``kb --help`` and the TUI's first paint stay fast. No Textual import on these paths
except ``kb`` with no command, which starts the TUI.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = ("kb.cli.content", "kb.cli.exercise", "kb.cli.quiz", "kb.cli.progress", "kb.cli.path",
                   "kb.cli.classroom", "kb.cli.serve", "kb.cli.export")


class UserError(Exception):
    """An error the user can fix: printed as one line, exit status 1 (or ``code``)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        self.exit(2, f"kb: {message} (see `kb --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kb", description="A bilingual terminal study companion for deep learning and large models. "
                     "Run with no command to open the app.")
    parser.add_argument("--lang", choices=["zh", "en"], help="interface and content language (else KB_LANG, else LANG)")
    parser.add_argument("--user", metavar="NAME",
                        help="whose progress to use on a shared store (else KB_USER, else your OS user name)")
    parser.add_argument("--content", action="append", default=[], metavar="DIR",
                        help="add a content pack (repeatable; also KB_CONTENT_PATH)")
    parser.add_argument("--version", action="version", version="kb 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # a command group not built yet
                continue
            raise
        module.register(sub)
    return parser


GLOBAL_OPTIONS = ("--lang", "--user", "--content")


def hoist_global_options(argv: list[str]) -> list[str]:
    """Global options work anywhere (``kb show relu-function --lang zh``): move them in
    front of the command, where argparse expects them. Anything after ``--`` stays."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        name = arg.split("=", 1)[0]
        value = arg.split("=", 1)[1] if "=" in arg else (argv[i + 1] if i + 1 < len(argv) else None)
        if name == "--lang" and value not in ("zh", "en"):
            rest.append(arg)  # a subcommand's own --lang (kb export anki --lang both) stays where it is
        elif name in GLOBAL_OPTIONS:
            if "=" in arg:
                front.append(arg)
            elif i + 1 < len(argv):
                front += [arg, argv[i + 1]]
                i += 1
            else:
                front.append(arg)  # argparse says the value is missing
        else:
            rest.append(arg)
        i += 1
    return front + rest


def main(argv: list[str] | None = None) -> int:
    from kb.i18n import resolve_lang

    parser = build_parser()
    args = parser.parse_args(hoist_global_options(list(sys.argv[1:] if argv is None else argv)))
    args.lang = resolve_lang(args.lang)
    if args.user is not None:  # every store this process (and any kb it starts) opens
        import os

        os.environ["KB_USER"] = args.user
    if not args.command:
        from kb.tui import run

        return run(lang=args.lang, content=args.content) or 0
    func = getattr(args, "func", None)
    if func is None:  # a command group given without its subcommand
        parser.parse_args([*(argv or sys.argv[1:]), "--help"])
        return 2
    try:
        return int(func(args) or 0)
    except UserError as exc:
        from kb.text import terminal_safe

        print(f"kb: {terminal_safe(str(exc))}", file=sys.stderr)  # may quote a file name or content
        return exc.code
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:  # `kb list | head`
        return 0
