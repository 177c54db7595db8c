"""One error vocabulary for every face: the exit codes of ``kb``, the "did you mean"
suggestion for a mistyped name, and the sentence a learner reads when something fails.

Standard library only: ``kb --help`` prints the exit-code table, and the TUI formats its
errors with :func:`explain` before any heavy module is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.i18n import tr

# One meaning per code, for every command (README, "Exit codes"; `kb --help`).
OK = 0
FAILED = 1       # a check, validation or grading ran and found failures (also: an import file refused)
USAGE = 2        # the command line is wrong: unknown command or option, a bad value
NOT_FOUND = 3    # a named thing does not exist: entry, exercise, path, setting, file, learner
NO_RESULTS = 4   # a search, FAQ question or filter ran and matched nothing
UNAVAILABLE = 5  # the environment stands in the way: progress store, sandbox, content pack, a file to write
REFUSED = 6      # not yet: a solution still locked, a confirmation not given
INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT

EXIT_CODES: tuple[tuple[int, str, str], ...] = (
    (OK, "success", "成功"),
    (FAILED, "a check, validation or grading ran and found failures (e.g. an import file was refused)",
     "检查、校验或评分已运行，发现了未通过的项（例如导入的文件被拒绝）"),
    (USAGE, "usage error: unknown command or option, or a bad value", "用法错误：未知的命令或选项，或取值无效"),
    (NOT_FOUND, "not found: no such entry, exercise, learning path, setting or file",
     "找不到：没有这个条目、练习、学习路径、设置或文件"),
    (NO_RESULTS, "no results: a search, FAQ question or filter matched nothing",
     "没有结果：搜索、常见问题或筛选没有匹配到任何内容"),
    (UNAVAILABLE, "unavailable: the progress store, the sandbox, a content pack or a file cannot be used",
     "无法使用：进度存储、沙箱、内容包或文件不可用"),
    (REFUSED, "not yet: the solution is still locked, or a confirmation was not given",
     "暂不允许：参考答案尚未解锁，或没有得到确认"),
    (INTERRUPTED, "interrupted (Ctrl-C)", "已中断（Ctrl-C）"),
)


def exit_code_table(lang: str) -> str:
    """The table as ``kb --help`` prints it."""
    head = tr(lang, "exit codes:", "退出码：")
    return "\n".join([head, *(f"  {code:<4}{tr(lang, en, zh)}" for code, en, zh in EXIT_CODES)])


def nearest(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates closest to a mistyped ``word`` (difflib's ratio, best first)."""
    import difflib  # only when a word is mistyped: every command imports this module

    pool = list(dict.fromkeys(candidates))
    found = difflib.get_close_matches(word, pool, n=n, cutoff=0.6)
    if not found:  # a case slip or an extra separator: compare folded forms
        folded = {c.casefold().replace("_", "-"): c for c in pool}
        found = [folded[f] for f in difflib.get_close_matches(word.casefold().replace("_", "-"), list(folded),
                                                             n=n, cutoff=0.6)]
    return found


def did_you_mean(word: str, candidates: Iterable[str], lang: str) -> str:
    """``"; did you mean 'search'?"`` (or Chinese) for the nearest candidates, or ``""``."""
    near = nearest(word, candidates)
    if not near:
        return ""
    en = ", ".join(f"'{c}'" for c in near)
    zh = "、".join(f"“{c}”" for c in near)  # Chinese list punctuation and quotes
    return tr(lang, f"; did you mean {en}?", f"；你是不是要找{zh}？")


def explain(exc: BaseException, lang: str) -> str:
    """One sentence for a learner: what happened and what to do, never ``TypeName: text``.

    Errors kb raises for the user carry their own bilingual message (``message(lang)``);
    operating-system errors name the file and the reason; anything else is an internal
    problem, said so plainly with a way forward."""
    message = getattr(exc, "message", None)
    if callable(message):
        try:
            text = message(lang)
        except TypeError:
            text = None
        if isinstance(text, str) and text.strip():
            return text
    if isinstance(exc, OSError):
        # the file named, else the message the error was raised with
        said = "" if exc.filename or exc.strerror else str(exc).strip()
        where = f" {exc.filename}" if exc.filename else (f" ({said})" if said else "")
    if isinstance(exc, PermissionError):
        return tr(lang, f"kb may not read or write{where}: check the permissions, then try again.",
                  f"kb 没有权限读写{where}：请检查权限，然后重试。")
    if isinstance(exc, FileNotFoundError):
        return tr(lang, f"The file{where} does not exist (any more): check the path, then try again.",
                  f"文件{where}不存在（或已被删除）：请检查路径，然后重试。")
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        reason = exc.strerror or said or tr(lang, "an input/output error", "输入/输出错误")
        return tr(lang, f"The system refused{where}: {reason}. Check the disk and the file, then try again.",
                  f"系统拒绝了操作{where}：{reason}。请检查磁盘和文件，然后重试。")
    if isinstance(exc, UnicodeError):
        return tr(lang, "The file is not UTF-8 text: save it as UTF-8 in your editor, then try again.",
                  "该文件不是 UTF-8 文本：请在编辑器中以 UTF-8 保存，然后重试。")
    if isinstance(exc, MemoryError):
        return tr(lang, "kb ran out of memory: close other programs, then try again.",
                  "kb 内存不足：请关闭其他程序，然后重试。")
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    detail = f" ({detail})" if detail else ""
    return tr(lang, f"Something inside kb went wrong{detail}. Try again; if it happens again, please report it "
                    "with the steps that led here.",
              f"kb 内部出了问题{detail}。请重试；如果再次出现，请连同操作步骤一起报告。")
