"""Content commands: validate, schema, index, search, show, list, faq."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kb.app.labels import KIND_IDS
from kb.cli import UserError
from kb.errors import FAILED, NO_RESULTS, NOT_FOUND, UNAVAILABLE, did_you_mean
from kb.i18n import tr


def register(sub: argparse._SubParsersAction, lang: str = "en") -> None:
    p = sub.add_parser("validate", help=tr(lang, "check content files (exit 1 on any problem)",
                                           "检查内容文件（有任何问题时退出码为 1）"))
    p.add_argument("dirs", nargs="*", metavar="DIR",
                   help=tr(lang, "content packs to check with the shipped content", "与内置内容一起检查的内容包"))
    p.add_argument("--strict", action="store_true",
                   help=tr(lang, "also require both languages, no dangling links, quality bars",
                           "还要求中英文齐全、没有悬空链接、达到质量标准"))
    p.add_argument("--json", action="store_true", help=tr(lang, "print problems as JSON", "以 JSON 输出问题"))
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help=tr(lang, "print the JSON Schema of a content file", "输出内容文件的 JSON Schema"))
    p.set_defaults(func=cmd_schema)
    register_more(sub, lang)


def _roots(args: argparse.Namespace, extra: list[str] | None = None) -> list[Path]:
    from kb.paths import content_roots

    dirs = list(args.content) + list(extra or [])
    for d in dirs:
        try:  # a pack that cannot be listed would otherwise contribute nothing, silently
            with os.scandir(Path(d)):
                pass
        except OSError:
            raise UserError(tr(args.lang, f"content pack '{d}' is not a readable directory",
                               f"内容包“{d}”不是可读取的目录"), code=UNAVAILABLE) from None
    return content_roots(dirs)


def cmd_validate(args: argparse.Namespace) -> int:
    from kb.content import load_roots
    from kb.quality import quality_problems

    content = load_roots(_roots(args, args.dirs))
    problems = list(content.problems) + _exercise_input_problems(content)
    if args.strict:
        problems += quality_problems(content)
    shown = [p for p in problems if args.strict or p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning" and not args.strict]
    if args.json:
        print(json.dumps({"files": content.files, "entries": len(content.entries),
                          "problems": [p.to_dict() for p in shown],
                          "warnings": [p.to_dict() for p in warnings]}, ensure_ascii=False, indent=2))
    else:
        for p in shown:
            print(p)
        for p in warnings:
            print(f"{p}  (warning)")
        summary = tr(args.lang,
                     f"{content.files} files, {len(content.entries)} entries, {len(shown)} problems"
                     + (f", {len(warnings)} warnings (fail only with --strict)" if warnings else ""),
                     f"{content.files} 个文件，{len(content.entries)} 个条目，{len(shown)} 个问题"
                     + (f"，{len(warnings)} 个警告（仅在 --strict 下算作失败）" if warnings else ""))
        print(summary, file=sys.stderr)
    return FAILED if shown else 0


def _exercise_input_problems(content) -> list:
    """Every input of every exercise check, built as checking would build it (the engine
    runs no code for this): what cannot be built, or is too large in all, is an error
    here rather than a crash when a learner checks."""
    from kb.schema import Exercise

    exercises = [(ident, e) for ident, e in content.entries.items() if isinstance(e, Exercise)]
    if not exercises:
        return []
    from engine.inputs import materialise  # NumPy: only when there are exercises

    out = []
    for ident, ex in exercises:
        try:
            found = materialise(ex)
        except Exception as exc:  # materialise reports per input; this is a last resort
            out.append(content.problem(ident, ("checks",), "checks",
                                       f"the checks' inputs cannot be built: {type(exc).__name__}: {exc}"))
            continue
        out += [content.problem(ident, p.loc, p.field, p.message) for p in found]
    return sorted(out, key=lambda p: (p.path, p.line, p.col))


def cmd_schema(args: argparse.Namespace) -> int:
    from kb.schema import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def register_more(sub: argparse._SubParsersAction, lang: str = "en") -> None:
    json_help = tr(lang, "machine-readable output (JSON)", "输出机器可读的 JSON")
    kind_help = tr(lang, "only entries of this kind", "只看这一类条目")
    p = sub.add_parser("index", help=tr(lang, "refresh the search index (incremental)", "刷新搜索索引（增量）"))
    p.add_argument("--rebuild", action="store_true",
                   help=tr(lang, "delete the index and build it anew", "删除索引并重新构建"))
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", help=tr(lang, "search the knowledge base (中文 or English)",
                                         "搜索知识库（中文或英文均可）"))
    p.add_argument("query", nargs="+", help=tr(lang, "words to look for", "要查找的词"))
    p.add_argument("--kind", choices=KIND_IDS, help=kind_help)
    p.add_argument("--limit", type=_positive, default=10, metavar="N",
                   help=tr(lang, "at most N results (10)", "最多 N 条结果（默认 10）"))
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("show", help=tr(lang, "show one entry", "显示一个条目"))
    p.add_argument("id", metavar="ID", help=tr(lang, "the entry's id (see `kb list`)", "条目的 id（见 `kb list`）"))
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("list", help=tr(lang, "list entries", "列出条目"))
    p.add_argument("--kind", choices=KIND_IDS, help=kind_help)
    p.add_argument("--tag", metavar="T", help=tr(lang, "only entries with this tag", "只看带这个标签的条目"))
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("faq", help=tr(lang, "answer a question from the FAQ (no question: list them all)",
                                      "从常见问题中回答你的问题（不给问题则列出全部）"))
    p.add_argument("query", nargs="*", help=tr(lang, "your question, in your own words", "你的问题，用自己的话说"))
    p.add_argument("--full", action="store_true",
                   help=tr(lang, "the whole answer, not only its short form", "完整回答，而不只是简短版本"))
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=cmd_faq)


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if n <= 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def open_catalog(args: argparse.Namespace, *, rebuild: bool = False, verify: bool = False):
    """The catalog, refreshed only when the index is not current (a stat of each file):
    a lookup in a current index imports neither SQLAlchemy nor pydantic."""
    from kb.app.services import open_catalog as open_app_catalog

    _roots(args)  # checks --content dirs with a clear message
    return open_app_catalog(None, args.content, rebuild=rebuild, verify=verify)


def _styled() -> bool:
    """Rich output (colour, wrapping) on a terminal; plain lines, and no Rich import,
    when piped."""
    return sys.stdout.isatty()


def _cells(text: str) -> int:
    """Terminal columns of ``text`` (a CJK character takes two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _console():
    from rich.console import Console

    # Piped (a script reading the output): no wrapping at 80 columns, no colour.
    return Console(highlight=False, soft_wrap=not sys.stdout.isatty())


def _print_markdown(markdown: str) -> None:
    from kb.text import terminal_safe

    if not sys.stdout.isatty():  # piped: the Markdown itself, neither wrapped nor padded
        print(terminal_safe(markdown).rstrip("\n"))
        return
    from kb.cli.prose import ProseMarkdown  # Chinese breaks between characters, by kinsoku rules

    _console().print(ProseMarkdown(terminal_safe(markdown), code_theme="ansi_dark", inline_code_theme="ansi_dark"))


def cmd_index(args: argparse.Namespace) -> int:
    cat = open_catalog(args, rebuild=args.rebuild, verify=True)  # every page checked, every file stat-ed
    st = cat.last_refresh
    problems = cat.problems()
    errors = sum(p.severity == "error" for p in problems)
    print(tr(args.lang,
             f"{st.files} files, {st.parsed} parsed, {st.removed} removed{' (rebuilt)' if st.rebuilt else ''}; "
             f"{sum(cat.counts().values())} entries; {errors} problems (see `kb validate`)",
             f"{st.files} 个文件，解析 {st.parsed} 个，移除 {st.removed} 个{'（已重建）' if st.rebuilt else ''}；"
             f"共 {sum(cat.counts().values())} 个条目；{errors} 个问题（见 `kb validate`）"))
    print(str(cat.db_path), file=sys.stderr)
    return 0


def _highlighted(snippet: str, spans: list[tuple[int, int]]):
    from rich.text import Text as RichText

    from kb.text import terminal_safe

    out, at = RichText(), 0  # cleaned piece by piece: the spans index the raw snippet
    for s, e in sorted(spans):
        out.append(terminal_safe(snippet[at:max(at, s)]))
        out.append(terminal_safe(snippet[max(at, s):e]), style="bold yellow")
        at = max(at, e)
    out.append(terminal_safe(snippet[at:]))
    return out


def _safe(text: str) -> str:
    """Content text for console.print markup: no terminal controls, brackets literal."""
    from rich.markup import escape

    from kb.text import terminal_safe

    return escape(terminal_safe(text))


def cmd_search(args: argparse.Namespace) -> int:
    from kb.i18n import pick
    from kb.app.labels import kind_name

    query = " ".join(args.query)
    cat = open_catalog(args)
    hits = cat.search(query, kind=args.kind, limit=args.limit, lang=args.lang)
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return 0 if hits else NO_RESULTS
    if not hits:
        print(tr(args.lang, f"No results for “{query}”. Try fewer or other words, or `kb faq {query}`.",
                 f"没有找到“{query}”的结果。试试更少或别的词，或者 `kb faq {query}`。"), file=sys.stderr)
        return NO_RESULTS
    if not _styled():
        from kb.text import terminal_safe

        for h in hits:
            print(f"{terminal_safe(pick(h.title, args.lang))}  {kind_name(h.kind, args.lang)} · {h.id}")
            print(terminal_safe(h.snippet))
            print()
        return 0
    from kb.cli.prose import Prose

    console = _console()
    for h in hits:
        console.print(f"[bold]{_safe(pick(h.title, args.lang))}[/]  [dim]{kind_name(h.kind, args.lang)} · {h.id}[/]")
        console.print(Prose(_highlighted(h.snippet, h.highlights)), style="default")
        console.print()
    return 0


def _get(cat, ident: str, lang: str) -> dict:
    """The entry as stored in the index (plain data: no models are built to show it)."""
    entry = cat.raw(ident)
    if entry is None:
        # a mistyped id first (difflib over every id), else what a search finds for it
        hint = did_you_mean(ident, (s.id for s in cat.list()), lang)
        if not hint:
            near = [h.id for h in cat.search(ident, limit=3, lang=lang)]
            hint = tr(lang, f"; did you mean {', '.join(repr(n) for n in near)}?",
                      f"；你是不是要找{'、'.join(f'“{n}”' for n in near)}？") if near else ""
        raise UserError(tr(lang, f"no entry with id '{ident}'{hint} (see `kb search`)",
                           f"没有 id 为“{ident}”的条目{hint}（见 `kb search`）"), code=NOT_FOUND)
    return entry


def cmd_show(args: argparse.Namespace) -> int:
    from kb.app.labels import kind_name
    from kb.render import entry_markdown

    cat = open_catalog(args)
    entry = _get(cat, args.id, args.lang)  # reading from a script changes no progress
    backlinks = cat.backlinks(entry["id"])
    if args.json:
        data = dict(entry)
        data["backlinks"] = [{"id": b.src.id, "kind": b.src.kind, "field": b.field} for b in backlinks]
        labels = cat.tag_labels()  # "tags" keeps the slugs; their labels beside them
        data["tag_labels"] = {t: labels[t].model_dump() for t in entry.get("tags", ()) if t in labels}
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    titles = {s.id: s.title for s in cat.list()} if entry["kind"] == "path" else None
    md = entry_markdown(entry, args.lang, step_titles=titles)
    links = []
    colon, comma = tr(args.lang, ":", "："), tr(args.lang, ", ", "、")  # Chinese punctuation in Chinese
    if entry.get("tags"):
        links.append(f"**{tr(args.lang, 'Tags', '标签')}{colon}** " + comma.join(
            cat.tag_label(t, args.lang) for t in entry["tags"]))
    for label, ids in ((tr(args.lang, "Prerequisites", "前置知识"), entry.get("prerequisites")),
                       (tr(args.lang, "Related", "相关"), entry.get("related"))):
        if ids:
            links.append(f"**{label}{colon}** " + comma.join(f"`{i}`" for i in ids))
    if backlinks:
        links.append(f"**{tr(args.lang, 'Linked from', '被引用于')}{colon}** " + comma.join(
            f"`{b.src.id}`" + tr(args.lang, f" ({kind_name(b.src.kind, 'en')})", f"（{kind_name(b.src.kind, 'zh')}）")
            for b in backlinks))
    _print_markdown(md + "\n" + "\n\n".join(links))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from kb.i18n import pick
    from kb.app.labels import kind_name

    cat = open_catalog(args)
    rows = cat.list(kind=args.kind, tag=args.tag)
    if args.tag and not rows:
        _known_tag(cat, args.tag, args.lang)
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
        return 0 if rows else NO_RESULTS
    if not _styled():
        from kb.text import terminal_safe

        width = max((_cells(kind_name(r.kind, args.lang)) for r in rows), default=0)
        for r in rows:
            kind = kind_name(r.kind, args.lang)
            print(f"{kind}{' ' * (width - _cells(kind))} {r.id}  {terminal_safe(pick(r.title, args.lang))}")
        print(tr(args.lang, f"{len(rows)} entries", f"共 {len(rows)} 个条目"), file=sys.stderr)
        return 0 if rows else NO_RESULTS
    from rich.cells import cell_len

    console = _console()
    width = max((cell_len(kind_name(r.kind, args.lang)) for r in rows), default=0)
    for r in rows:
        kind = kind_name(r.kind, args.lang)
        pad = " " * (width - cell_len(kind))  # Chinese characters take two cells
        console.print(f"[dim]{kind}{pad}[/] [bold]{r.id}[/]  {_safe(pick(r.title, args.lang))}", soft_wrap=True)
    print(tr(args.lang, f"{len(rows)} entries", f"共 {len(rows)} 个条目"), file=sys.stderr)
    return 0 if rows else NO_RESULTS


def _known_tag(cat, tag: str, lang: str) -> None:
    """A tag no entry has is a mistake worth naming (a slug or a label in either language)."""
    if cat.resolve_tag(tag) in dict(cat.tags()):
        return
    from kb.quality import tag_kinship

    near = [t for t, _ in cat.tags() if tag_kinship(tag, t) or tag.casefold() in cat.tag_label(t, lang).casefold()]
    from kb.text import terminal_safe

    shown = tr(lang, ", ", "、").join(tr(lang, f"{t} ({terminal_safe(cat.tag_label(t, lang))})",
                                         f"{t}（{terminal_safe(cat.tag_label(t, lang))}）") for t in near[:5])
    raise UserError(tr(lang, f"no entry has the tag '{tag}'" + (f"; did you mean: {shown}?" if shown else "")
                       + " (`kb list --json` shows every entry's tags)",
                       f"没有条目带有标签“{tag}”" + (f"；你是不是要找：{shown}？" if shown else "")
                       + "（`kb list --json` 会列出每个条目的标签）"), code=NOT_FOUND)


def cmd_faq(args: argparse.Namespace) -> int:
    from kb.i18n import pick
    from kb.text import terminal_safe

    cat = open_catalog(args)
    query = " ".join(args.query).strip()
    if not query:
        faqs = cat.list(kind="faq")
        if args.json:
            print(json.dumps([f.to_dict() for f in faqs], ensure_ascii=False, indent=2))
        else:
            for f in faqs:
                print(f"{f.id:<36} {terminal_safe(pick(f.title, args.lang))}")
        return 0
    hits = cat.search(query, kind="faq", limit=4, lang=args.lang, mode="any")
    if not hits:
        print(tr(args.lang, f"No FAQ matches “{query}”. Try `kb search {query}` or `kb faq` for the full list.",
                 f"没有与“{query}”匹配的常见问题。试试 `kb search {query}`，或用 `kb faq` 查看全部问题。"), file=sys.stderr)
        return NO_RESULTS
    best = cat.raw(hits[0].id)  # the stored document: no models are built to answer
    if args.json:
        print(json.dumps({"best": best, "more": [h.to_dict() for h in hits[1:]]}, ensure_ascii=False, indent=2))
        return 0
    from kb.render import short_answer

    answer = pick(best["answer"], args.lang)
    shown, more = (answer, False) if args.full else short_answer(answer)
    _print_markdown(f"# {pick(best['question'], args.lang)}\n\n{shown}")
    if more:
        print(tr(args.lang, f"(the whole answer: kb faq {best['id']} --full)",
                 f"（完整回答：kb faq {best['id']} --full）"))
    if len(hits) > 1:
        print()
        print(tr(args.lang, "See also:", "另见："))
        for h in hits[1:]:
            print(f"  kb faq {h.id:<34} {terminal_safe(pick(h.title, args.lang))}")
    return 0
