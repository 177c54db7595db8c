"""The ``kb`` command line. Each command group lives in its own module with a
``register(subparsers, lang)`` function; heavy imports happen inside handlers so that
``kb --help`` and the TUI's first paint stay fast. No Textual import on these paths
except ``kb`` with no command, which starts the TUI.

The language is chosen before the parser is built (``--lang`` anywhere on the line, else
``KB_LANG``, else the learner's saved choice, else ``LANG``), so help, usage errors and
output all speak it. Exit codes are one table for every command: :mod:`kb.errors`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from typing import Any, NoReturn

from kb import __version__
from kb.errors import INTERRUPTED, USAGE, did_you_mean, exit_code_table
from kb.i18n import LANGS, resolve_lang, tr

COMMAND_MODULES = ("kb.cli.content", "kb.cli.exercise", "kb.cli.quiz", "kb.cli.progress", "kb.cli.path",
                   "kb.cli.classroom", "kb.cli.serve", "kb.cli.export")
# Which module registers each command, so that a run builds only its own command's parser
# (importing and registering every module is most of a lookup's start-up); help, a
# mistyped command build them all, the app none. tests/kb/test_cli_parser.py keeps this
# table equal to what the modules register.
COMMANDS: dict[str, str] = {
    **dict.fromkeys(("validate", "schema", "index", "search", "show", "list", "faq"), "kb.cli.content"),
    "exercise": "kb.cli.exercise", "quiz": "kb.cli.quiz", "progress": "kb.cli.progress", "path": "kb.cli.path",
    "class": "kb.cli.classroom", "serve": "kb.cli.serve", "export": "kb.cli.export",
}


class UserError(Exception):
    """An error the user can fix: printed as one line; ``code`` is its exit status from
    :mod:`kb.errors` (a usage error unless said otherwise)."""

    def __init__(self, message: str, code: int = USAGE) -> None:
        super().__init__(message)
        self.code = code


# argparse (3.11) builds its messages in English; these give them in Chinese. A message
# that matches none stays English rather than being lost.
_ZH_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (r"the following arguments are required: (.*)", r"缺少必需的参数：\1"),
    (r"one of the arguments (.*) is required", r"必须给出以下参数之一：\1"),
    (r"ambiguous option: (\S+) could match (.*)", r"选项 \1 有歧义，可能是：\2"),
    (r"argument (.+?): expected one argument", r"参数 \1 需要一个值"),
    (r"argument (.+?): expected at least one argument", r"参数 \1 至少需要一个值"),
    (r"argument (.+?): expected (\d+) arguments?", r"参数 \1 需要 \2 个值"),
    (r"argument (.+?): not allowed with argument (.*)", r"参数 \1 不能与 \2 同时使用"),
    (r"argument (.+?): ignored explicit argument (.*)", r"参数 \1 不接受值 \2"),
    (r"argument (.+?): invalid \w+ value: (.*)", r"参数 \1 的值无效：\2"),
    (r"argument (.+?): '(.*)' is not a whole number", r"参数 \1：“\2”不是整数"),
    (r"argument (.+?): must be at least (\d+)", r"参数 \1：至少为 \2"),
    (r"argument (.+?): must be (\d+) or more", r"参数 \1：不能小于 \2"),
)
_ZH_HEADINGS = {"usage: ": "用法：", "positional arguments:": "位置参数：", "options:": "选项："}
_GROUP_METAVARS = ("COMMAND", "ACTION", "FORMAT")  # a subcommand slot: a wrong word there is a command


class _Parser(argparse.ArgumentParser):
    """argparse in the chosen language (``lang``, set by :func:`parser_class`): its own
    help option, headings and usage errors; a usage error is one line with a
    "did you mean" for a mistyped command or choice, and exit status 2."""

    lang = "en"

    def __init__(self, *, add_help: bool = True, **kwargs: Any) -> None:  # argparse passes keywords only
        super().__init__(add_help=False, **kwargs)
        if add_help:  # argparse's own is English only
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=tr(self.lang, "show this help and exit", "显示此帮助并退出"))

    def format_usage(self) -> str:
        return self._localized(super().format_usage())

    def format_help(self) -> str:
        return self._localized(super().format_help())

    def _localized(self, text: str) -> str:
        if self.lang != "zh":
            return text
        lines = text.split("\n")
        for i, line in enumerate(lines):
            for en, zh in _ZH_HEADINGS.items():
                if line == en.strip() or (en.endswith(" ") and line.startswith(en)):
                    lines[i] = zh + line[len(en):]
        return "\n".join(lines)

    def error(self, message: str) -> NoReturn:  # one line, no usage dump
        lang = self.lang
        text = self._choice_error(message) or (_zh_message(message) if lang == "zh" else message)
        self.exit(USAGE, tr(lang, f"kb: {text} (see `{self.prog} --help`)\n",
                            f"kb：{text}（见 `{self.prog} --help`）\n"))

    def _choice_error(self, message: str) -> str | None:
        """'invalid choice' with the nearest choices suggested instead of the whole list."""
        m = re.fullmatch(r"argument (.+?): invalid choice: '?(.*?)'? \(choose from (.*)\)", message)
        if m is None:
            return None
        arg, value, listed = m.groups()
        choices = re.findall(r"'([^']*)'", listed) or [c.strip() for c in listed.split(",")]
        lang = self.lang
        if arg in _GROUP_METAVARS:
            head = tr(lang, f"unknown command '{value}'", f"没有“{value}”这个命令")
        else:
            head = tr(lang, f"argument {arg}: invalid choice '{value}'", f"参数 {arg} 的取值“{value}”无效")
        hint = did_you_mean(value, choices, lang)
        return head + (hint or tr(lang, f" (choose from {', '.join(choices)})", f"（可选：{', '.join(choices)}）"))


def _zh_message(message: str) -> str:
    for pattern, zh in _ZH_MESSAGES:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, zh, message)
    return message


def parser_class(lang: str) -> type[_Parser]:
    """The parser class for one language (every subparser inherits it)."""
    return type("KbParser", (_Parser,), {"lang": lang})


def build_parser(lang: str = "en", command: str | None = None) -> argparse.ArgumentParser:
    """The parser with every command; with only ``command``'s module registered when that
    command is known (a run that names its command needs no other); with none for ""."""
    cls = parser_class(lang)
    parser = cls(prog="kb", formatter_class=argparse.RawDescriptionHelpFormatter,
                 description=tr(lang, "A bilingual terminal study companion for deep learning and large models. "
                                "Run with no command to open the app.",
                                "深度学习与大模型的双语终端学习伴侣。不带命令运行即打开应用。"),
                 epilog=exit_code_table(lang))
    parser.add_argument("--lang", choices=["zh", "en"],
                        help=tr(lang, "interface and content language (else KB_LANG, else your saved choice, "
                                "else LANG)", "界面和内容的语言（否则用 KB_LANG，再否则用你保存的选择，最后用 LANG）"))
    parser.add_argument("--user", metavar="NAME",
                        help=tr(lang, "whose progress to use on a shared store (else KB_USER, else your OS user name)",
                                "在共享存储上使用谁的进度（否则用 KB_USER，再否则用系统用户名）"))
    parser.add_argument("--content", action="append", default=[], metavar="DIR",
                        help=tr(lang, "add a content pack (repeatable; also KB_CONTENT_PATH)",
                                "添加内容包（可重复；也可用 KB_CONTENT_PATH）"))
    parser.add_argument("--version", action="version", version=f"kb {__version__}",
                        help=tr(lang, "print the version and exit", "显示版本号并退出"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=cls)
    # "" (no command: the app, --version) needs none
    modules = () if command == "" else [COMMANDS[command]] if command in COMMANDS else COMMAND_MODULES
    for name in modules:
        importlib.import_module(name).register(sub, lang)
    return parser


def command_of(argv: list[str]) -> str | None:
    """The command a hoisted argument list names; "" when it names none (the app);
    None for help or an unknown command, for which the whole parser is built."""
    if any(a in ("-h", "--help") for a in argv):
        return None
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in GLOBAL_OPTIONS:
            i += 2
            continue
        if arg.startswith("-"):
            i += 1
            continue
        return arg if arg in COMMANDS else None
    return ""


def choose_lang(argv: list[str]) -> str:
    """The language of this run, before anything is parsed: ``--lang`` anywhere on the
    line, else ``KB_LANG``, else the learner's saved choice (read without SQLAlchemy),
    else ``LANG``."""
    flag = user = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        name, eq, value = arg.partition("=")
        if not eq:
            value = argv[i + 1] if i + 1 < len(argv) else ""
        if name == "--lang" and value in LANGS:
            flag = value
        elif name == "--user":
            user = value.strip() or None
    if flag or os.environ.get("KB_LANG", "").lower() in LANGS:
        return resolve_lang(flag)
    try:
        from kb.progress.peek import peek_settings

        saved = peek_settings(("lang",), learner=user).get("lang")
    except Exception:  # noqa: BLE001 - a store that cannot be peeked at says nothing about the language
        saved = None
    return saved if saved in LANGS else resolve_lang(None)


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


_ending = {"at_once": False}


def end_at_once() -> None:
    """For a command that has closed everything it opened (files, stores, children):
    when it returns to kb's process entry, the process ends without the interpreter's
    teardown, which frees every module's objects one by one (~17 ms after a check, with
    NumPy loaded: A/B over 15 alternating runs). stdout and stderr are flushed first.
    Called in-process (``main(argv)``, the tests) it changes nothing."""
    _ending["at_once"] = True


def main(argv: list[str] | None = None) -> int:
    """``kb``'s entry point (the console script and ``python -m kb`` give no ``argv``)."""
    if argv is None:
        # kb's models are its own: pydantic plugins installed beside it are not applied to
        # them, and pydantic does not scan every installed package for one (~8 ms of a check).
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        code = _main(argv)
    finally:
        if argv is None:
            # The process ends next. Its last collection would walk every object the
            # imports made (NumPy, pydantic, SQLAlchemy, Textual: 20-100 ms at exit,
            # measured); frozen, they are still released as usual, and atexit runs.
            import gc

            gc.freeze()
    if argv is None and _ending["at_once"]:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (BrokenPipeError, ValueError):  # `| head`, or closed: nothing more to say
            pass
        os._exit(code)
    return code


def _main(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = choose_lang(argv)
    hoisted = hoist_global_options(argv)
    parser = build_parser(lang, command_of(hoisted))
    args = parser.parse_args(hoisted)
    args.lang = lang
    if args.user is not None:  # every store this process (and any kb it starts) opens
        os.environ["KB_USER"] = args.user
    if not args.command:
        from kb.tui import run

        return run(lang=args.lang, content=args.content) or 0
    func = getattr(args, "func", None)
    if func is None:  # a command group given without its subcommand
        parser.parse_args([*hoist_global_options(argv), "--help"])
        return USAGE
    try:
        return int(func(args) or 0)
    except UserError as exc:
        from kb.text import terminal_safe

        print(f"kb: {terminal_safe(str(exc))}", file=sys.stderr)  # may quote a file name or content
        return exc.code
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # `kb list | head`
        return 0
