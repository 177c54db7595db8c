"""``kb progress``: the learner's figures, export, import and study settings.

SQLAlchemy and fsrs are imported inside the handlers so that ``kb --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime, timezone

from kb.app.labels import exercise_mark, exercise_state_label, step_verb
from kb.cli import UserError
from kb.errors import FAILED, NOT_FOUND, UNAVAILABLE, USAGE
from kb.i18n import pick, tr
from kb.text import terminal_safe


def register(sub: argparse._SubParsersAction, lang: str = "en") -> None:
    p = sub.add_parser(
        "progress",
        help=tr(lang, "your progress: due reviews, retention, activity, mastery; export/import",
                "你的进度：到期复习、保持率、活动、掌握度；导出/导入"),
        description=tr(lang, "Show your study progress, or back it up and move it: "
                       "`kb progress export FILE`, `kb progress import FILE`, `kb progress settings`.",
                       "显示你的学习进度，或备份、迁移它："
                       "`kb progress export FILE`、`kb progress import FILE`、`kb progress settings`。"),
    )
    p.add_argument("--json", action="store_true", help=tr(lang, "print the figures as JSON", "以 JSON 输出各项数据"))
    p.set_defaults(func=cmd_progress)
    ps = p.add_subparsers(dest="progress_command", metavar="ACTION", parser_class=type(p))

    e = ps.add_parser("export", help=tr(lang, "write all your progress to a JSON file (backup, move machines)",
                                        "把你的全部进度写入 JSON 文件（备份、换机器）"))
    e.add_argument("file", metavar="FILE", help=tr(lang, "the file to write", "要写入的文件"))
    e.set_defaults(func=cmd_export)

    i = ps.add_parser("import", help=tr(lang, "merge a progress JSON file into yours (never duplicates a review)",
                                        "把一个进度 JSON 文件合并到你的进度中（不会重复任何复习记录）"))
    i.add_argument("file", metavar="FILE", help=tr(lang, "a file written by `kb progress export`",
                                                   "由 `kb progress export` 写出的文件"))
    i.add_argument("--json", action="store_true", help=tr(lang, "print what was merged as JSON", "以 JSON 输出合并了什么"))
    i.set_defaults(func=cmd_import)

    s = ps.add_parser("settings", help=tr(lang, "show or change a study setting (desired_retention, new_per_session, ...)",
                                          "查看或修改学习设置（desired_retention、new_per_session 等）"),
                      description=tr(lang, "Without KEY: every setting. With KEY: its value. With KEY VALUE: change it. "
                                     "Settings: desired_retention (0.70-0.99), new_per_session (0-1000), lang (en, zh), "
                                     "current_path (a learning path id), tui.theme (a theme name).",
                                     "不给 KEY：列出所有设置。给出 KEY：显示它的值。给出 KEY VALUE：修改它。"
                                     "设置项：desired_retention（0.70-0.99）、new_per_session（0-1000）、lang（en、zh）、"
                                     "current_path（学习路径 id）、tui.theme（主题名）。"))
    s.add_argument("key", nargs="?", metavar="KEY", help=tr(lang, "a setting's name", "设置项的名称"))
    s.add_argument("value", nargs="?", metavar="VALUE", help=tr(lang, "a number, true/false, or text",
                                                                "数字、true/false 或文本"))
    s.set_defaults(func=cmd_settings)


# --- shared by kb quiz / kb path ------------------------------------------------------------


def open_progress(args: argparse.Namespace):
    """The progress store, or a one-line UserError a learner can act on."""
    from kb.app.services import open_store
    from kb.progress import ProgressStoreError

    try:
        return open_store()
    except ProgressStoreError as exc:
        raise UserError(exc.message(args.lang), code=UNAVAILABLE) from None


def store_errors(args: argparse.Namespace):
    """Context manager: ProgressStoreError -> UserError (for calls after opening)."""
    from contextlib import contextmanager

    from kb.progress import ProgressStoreError

    @contextmanager
    def guard():
        try:
            yield
        except ProgressStoreError as exc:
            raise UserError(exc.message(args.lang), code=UNAVAILABLE) from None

    return guard()


def local_tz():
    return datetime.now(timezone.utc).astimezone().tzinfo


def _bar(frac: float, width: int = 20) -> str:
    frac = max(0.0, min(1.0, frac))
    full = int(round(frac * width))
    return "█" * full + "░" * (width - full)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


HEAT = " ░▒▓█"


def heatmap(per_day: list[dict], lang: str) -> list[str]:
    """Seven rows (Monday..Sunday) by week columns, like a contribution graph."""
    from datetime import date

    if not per_day:
        return []
    first = date.fromisoformat(per_day[0]["date"])
    peak = max((d["reviews"] for d in per_day), default=0)
    pad = first.weekday()  # blank cells before the first day
    cells = [None] * pad + [d["reviews"] for d in per_day]
    weeks = (len(cells) + 6) // 7
    names = tr(lang, "Mon Tue Wed Thu Fri Sat Sun", "一 二 三 四 五 六 日").split()
    rows = []
    for wd in range(7):
        line = []
        for w in range(weeks):
            i = w * 7 + wd
            v = cells[i] if i < len(cells) else None
            if v is None:
                line.append(" ")
            elif v == 0:
                line.append("·")
            else:
                level = 1 + min(3, int(4 * v / (peak + 1)))
                line.append(HEAT[level])
        rows.append(f"  {names[wd]:>3} " + "".join(line))
    return rows


def cmd_progress(args: argparse.Namespace) -> int:
    from kb.app.dashboard import dashboard
    from kb.app.services import Services
    from kb.cli.content import open_catalog
    from kb.progress import stats

    lang = args.lang
    store = open_progress(args)
    catalog = open_catalog(args)
    tz = local_tz()
    with store_errors(args):
        services = Services(catalog, store)
        services.reload_lists()
        dash = dashboard(services)  # the figures Home shows: the first lines here
        data = stats.summary(store, tz=tz, **stats.catalog_scope(catalog))
    if args.json:
        print(json.dumps({**data, "dashboard": dash.to_dict()}, ensure_ascii=False, indent=2))
        return 0

    now = datetime.fromisoformat(data["now"])
    print(tr(lang, "Progress", "学习进度") + f" — {now.astimezone(tz):%Y-%m-%d %H:%M}")
    print(tr(lang, f"Due now: {dash.due}    Quiz items: {dash.seen} seen of {dash.items} ({dash.new} new)",
             f"现在到期：{dash.due}    测验题：已学 {dash.seen} / 共 {dash.items}（新题 {dash.new}）"))
    path_line = _path_line(dash, lang)
    if path_line:
        print(path_line)

    print()
    print(tr(lang, "Due in the next 14 days:", "未来 14 天到期："))
    peak = max((d["due"] for d in data["forecast"]), default=0) or 1
    for i, d in enumerate(data["forecast"]):
        label = tr(lang, "today", "今天") if i == 0 else d["date"][5:]
        print(f"  {label:>6} {_bar(d['due'] / peak, 24)} {d['due']}")

    r = data["retention"]
    rec, allt = r["recent"], r["all_time"]
    print()
    print(tr(lang,
             f"Retention (last {r['window_days']} days): true {_pct(rec['true_retention'])} "
             f"over {rec['reviews']} reviews · desired {_pct(r['desired'])}",
             f"记忆保持率（近 {r['window_days']} 天）：实际 {_pct(rec['true_retention'])}"
             f"（{rec['reviews']} 次复习）· 目标 {_pct(r['desired'])}"))
    print(tr(lang,
             f"All time: true {_pct(allt['true_retention'])} · answers right {_pct(allt['accuracy'])} "
             f"of {allt['answers']}",
             f"全部：实际保持率 {_pct(allt['true_retention'])} · 答对率 {_pct(allt['accuracy'])}"
             f"（共 {allt['answers']} 次作答）"))

    print()
    print(tr(lang,
             f"Reviews in the last year: {data['reviews_last_year']} · streak {data['streak_days']} "
             f"day{'' if data['streak_days'] == 1 else 's'}",
             f"近一年复习：{data['reviews_last_year']} 次 · 连续 {data['streak_days']} 天"))
    for row in heatmap(data["reviews_per_day"], lang):
        print(row)

    if data["mastery_by_tag"]:
        print()
        print(tr(lang, "Mastery by tag (recall probability now; seen, mature):",
                 "各标签掌握度（当前回忆概率；已学、已熟练）："))
        import unicodedata

        from kb.text import terminal_safe

        def cells(text: str) -> int:  # a CJK character takes two columns
            return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

        label = catalog.tag_label  # tags by their label, whole (the catalog opened above)
        names = {m["tag"]: terminal_safe(label(m["tag"], lang)) for m in data["mastery_by_tag"]}
        width = max(cells(n) for n in names.values())
        for m in data["mastery_by_tag"]:
            name = names[m["tag"]]
            print(f"  {name}{' ' * (width - cells(name))} {_bar(m['mastery'], 16)} {_pct(m['mastery']):>4}  "
                  + tr(lang, f"{m['seen']}/{m['items']} seen, {m['mature']} mature",
                       f"已学 {m['seen']}/{m['items']}，熟练 {m['mature']}"))

    print()
    print(tr(lang, f"Exercises passed: {dash.passed} / {dash.exercises} (attempted {dash.attempted})",
             f"已通过练习：{dash.passed} / {dash.exercises}（尝试过 {dash.attempted}）"))
    for ex in dash.in_progress:
        title = terminal_safe(pick(ex["title"], lang)) if ex["title"] else ex["id"]
        print(f"  {exercise_mark(ex['state'])} {ex['id']} · {title}  [{exercise_state_label(ex['state'], lang)}]")
    if dash.due:
        print(tr(lang, "Next: kb quiz", "下一步：kb quiz"))
    return 0


def _path_line(dash, lang: str) -> str | None:
    """The learning path Home follows and its next step, as one line."""
    if dash.path is None:
        return None
    title = terminal_safe(pick(dash.path["title"], lang)) if dash.path["title"] else dash.path["id"]
    head = tr(lang, f"Learning path: {title} — {dash.steps_done} of {len(dash.steps)} steps done",
              f"学习路径：{title} —— 已完成 {dash.steps_done}/{len(dash.steps)} 步")
    step = dash.step(dash.next_step)
    if step is None:
        return head + tr(lang, "; complete", "，已全部完成")
    what = terminal_safe(pick(step["title"], lang)) if step["title"] else step["ref"]
    verb, where = step_verb(step["do"], lang), f"kb path {dash.path['id']}"
    return head + tr(lang, f"; next: step {step['index']}, {verb} {what} ({where})",
                     f"；下一步：第 {step['index']} 步，{verb}“{what}”（{where}）")


def cmd_export(args: argparse.Namespace) -> int:
    from kb.progress.transfer import export_file

    store = open_progress(args)
    try:
        with store_errors(args):
            counts = export_file(store, args.file)
    except OSError as exc:
        raise UserError(tr(args.lang, f"cannot write {args.file}: {exc.strerror or exc}",
                           f"无法写入 {args.file}：{exc.strerror or exc}"), code=UNAVAILABLE) from None
    print(tr(args.lang,
             f"Exported {counts['reviews']} reviews, {counts['cards']} cards, {counts['attempts']} "
             f"exercise attempts to {args.file}",
             f"已导出 {counts['reviews']} 条复习记录、{counts['cards']} 张卡片、{counts['attempts']} "
             f"次练习尝试到 {args.file}"))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from kb.progress.transfer import ImportFormatError, import_file

    if not os.path.lexists(args.file):  # before the store opens: nothing to merge
        raise UserError(tr(args.lang, f"cannot read {args.file}: no such file (write one with `kb progress export FILE`)",
                           f"无法读取 {args.file}：文件不存在（可用 `kb progress export FILE` 生成）"), code=NOT_FOUND)
    store = open_progress(args)
    with store_errors(args):
        try:
            res = import_file(store, args.file)
        except ImportFormatError as exc:  # the file was read and validated, and refused: nothing merged
            raise UserError(exc.message(args.lang), code=FAILED) from None
    if getattr(args, "json", False):
        print(json.dumps(res.to_dict(), indent=2))
        return 0
    print(tr(args.lang,
             f"Imported {args.file}: {res.reviews_added} new reviews ({res.reviews_skipped} already here), "
             f"{res.attempts_added} new exercise attempts, {res.cards_added} new cards, "
             f"{res.cards_updated + res.cards_replayed} cards updated",
             f"已导入 {args.file}：新增 {res.reviews_added} 条复习记录（{res.reviews_skipped} 条已存在），"
             f"新增 {res.attempts_added} 次练习尝试、{res.cards_added} 张卡片，"
             f"更新 {res.cards_updated + res.cards_replayed} 张卡片"))
    return 0


def _parse_value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


# The settings a learner can see and change with `kb progress settings`: what each means,
# in both languages. Values are range-checked by the store (desired_retention 0.70-0.99,
# new_per_session 0-1000, lang en/zh); current_path must name a learning path.
SETTINGS: dict[str, tuple[str, str]] = {
    "desired_retention": ("how likely you want to be to recall an item when it is due, 0.70 to 0.99 (0.90)",
                          "到期时希望记得的概率，0.70 到 0.99（默认 0.90）"),
    "new_per_session": ("new quiz items per session, 0 to 1000 (10)", "每次练习的新题数，0 到 1000（默认 10）"),
    "lang": ("the language you chose in the app, en or zh", "你在应用中选择的语言，en 或 zh"),
    "current_path": ("the learning path Home follows (a path id, see `kb path`)",
                     "首页跟随的学习路径（路径 id，见 `kb path`）"),
    "tui.theme": ("the app's colour theme (a Textual theme name, e.g. textual-light)",
                  "应用的配色主题（Textual 主题名，如 textual-light）"),
}
USAGE_ERROR = USAGE  # a value out of range, like any usage error (a mistyped key is NOT_FOUND)


def _unknown_setting(key: str, lang: str) -> UserError:
    """A mistyped key: one line with a "did you mean" and the keys there are."""
    import difflib

    close = difflib.get_close_matches(key, list(SETTINGS), n=1, cutoff=0.6)
    known = ", ".join(sorted(SETTINGS))
    shown = terminal_safe(key)[:60]
    en = f"unknown setting '{shown}'"
    zh = f"没有名为“{shown}”的设置"
    if close:
        en += f"; did you mean '{close[0]}'?"
        zh += f"；你是不是想输入“{close[0]}”？"
    else:
        en += "."
        zh += "。"
    return UserError(tr(lang, f"{en} Known settings: {known} (see `kb progress settings`)",
                        f"{zh}可用的设置：{known}（见 `kb progress settings`）"), code=NOT_FOUND)


def _check_path_setting(args: argparse.Namespace, value) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError("current_path must be a learning path id (see `kb path`)")
    from kb.cli.content import open_catalog

    entry = open_catalog(args).get(value)
    if entry is None or getattr(entry, "kind", None) != "path":
        raise ValueError(f"current_path must be a learning path id; there is no path '{value}' (see `kb path`)")


def cmd_settings(args: argparse.Namespace) -> int:
    store = open_progress(args)
    with store_errors(args):
        if args.key is None:
            # every setting there is (null: not set), and any other an import brought
            values = {**dict.fromkeys(SETTINGS), **store.settings()}
            for key, value in sorted(values.items()):  # values may come from an import
                print(terminal_safe(f"{key} = {json.dumps(value, ensure_ascii=False)}"))
            return 0
        if args.key not in SETTINGS and (args.value is not None or args.key not in store.settings()):
            raise _unknown_setting(args.key, args.lang)  # (a key kept by an import can still be read)
        if args.value is None:
            print(terminal_safe(json.dumps(store.get_setting(args.key), ensure_ascii=False)))
            return 0
        value = _parse_value(args.value)
        try:
            if args.key == "current_path":
                _check_path_setting(args, value)
            elif args.key == "tui.theme" and (not isinstance(value, str) or not value.strip()):
                raise ValueError("tui.theme must be a theme name, e.g. textual-dark or textual-light")
            store.set_setting(args.key, value)
        except ValueError as exc:
            raise UserError(tr(args.lang, str(exc), _zh_setting_error(args.key, str(exc))),
                            code=USAGE_ERROR) from None
    print(terminal_safe(f"{args.key} = {json.dumps(store.get_setting(args.key), ensure_ascii=False)}"))
    return 0


def _zh_setting_error(key: str, message: str) -> str:
    if key == "desired_retention":
        return "desired_retention（目标保持率）必须是 0.70 到 0.99 之间的数"
    if key == "new_per_session":
        return "new_per_session（每次新题数）必须是 0 到 1000 的整数"
    if key == "lang":
        return "lang 只能是 'en' 或 'zh'"
    if key == "current_path":
        return "current_path 必须是学习路径的 id（见 `kb path`）"
    if key == "tui.theme":
        return "tui.theme 必须是主题名，如 textual-dark 或 textual-light"
    return f"设置 {key} 无效：{message}"
