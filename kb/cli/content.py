"""Content commands: validate, schema, index, search, show, list, faq."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kb.cli import UserError
from kb.i18n import tr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check content files (exit 1 on any problem)")
    p.add_argument("dirs", nargs="*", metavar="DIR", help="content packs to check with the shipped content")
    p.add_argument("--strict", action="store_true", help="also require both languages, no dangling links, quality bars")
    p.add_argument("--json", action="store_true", help="print problems as JSON")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of a content file")
    p.set_defaults(func=cmd_schema)
    register_more(sub)


def _roots(args: argparse.Namespace, extra: list[str] | None = None) -> list[Path]:
    from kb.paths import content_roots

    dirs = list(args.content) + list(extra or [])
    for d in dirs:
        try:  # a pack that cannot be listed would otherwise contribute nothing, silently
            with os.scandir(Path(d)):
                pass
        except OSError:
            raise UserError(tr(args.lang, f"content pack '{d}' is not a readable directory",
                               f"内容包“{d}”不是可读取的目录")) from None
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
    return 1 if shown else 0


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


def register_more(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("index", help="refresh the search index (incremental)")
    p.add_argument("--rebuild", action="store_true", help="delete the index and build it anew")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", help="search the knowledge base (中文 or English)")
    p.add_argument("query", nargs="+")
    p.add_argument("--kind", choices=KIND_CHOICES)
    p.add_argument("--limit", type=_positive, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("show", help="show one entry")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("list", help="list entries")
    p.add_argument("--kind", choices=KIND_CHOICES)
    p.add_argument("--tag")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("faq", help="answer a question from the FAQ (no question: list them all)")
    p.add_argument("query", nargs="*")
    p.add_argument("--full", action="store_true", help="the whole answer, not only its short form")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_faq)


KIND_CHOICES = ["concept", "faq", "tool", "application", "quiz", "exercise", "path"]


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
    from kb.catalog import Catalog

    _roots(args)  # checks --content dirs with a clear message
    return Catalog.open(args.content, rebuild=rebuild, verify=verify)


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
    from rich.markdown import Markdown

    _console().print(Markdown(terminal_safe(markdown), code_theme="ansi_dark", inline_code_theme="ansi_dark"))


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
    from kb.render import kind_name

    query = " ".join(args.query)
    cat = open_catalog(args)
    hits = cat.search(query, kind=args.kind, limit=args.limit, lang=args.lang)
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print(tr(args.lang, f"No results for “{query}”.", f"没有找到“{query}”的结果。"), file=sys.stderr)
        return 0
    if not _styled():
        from kb.text import terminal_safe

        for h in hits:
            print(f"{terminal_safe(pick(h.title, args.lang))}  {kind_name(h.kind, args.lang)} · {h.id}")
            print(terminal_safe(h.snippet))
            print()
        return 0
    console = _console()
    for h in hits:
        console.print(f"[bold]{_safe(pick(h.title, args.lang))}[/]  [dim]{kind_name(h.kind, args.lang)} · {h.id}[/]")
        console.print(_highlighted(h.snippet, h.highlights), style="default")
        console.print()
    return 0


def _get(cat, ident: str, lang: str) -> dict:
    """The entry as stored in the index (plain data: no models are built to show it)."""
    entry = cat.raw(ident)
    if entry is None:
        hint = cat.search(ident, limit=3, lang=lang)
        near = ", ".join(h.id for h in hint)
        raise UserError(tr(lang, f"no entry with id '{ident}'" + (f"; did you mean: {near}?" if near else ""),
                           f"没有 id 为“{ident}”的条目" + (f"；你是不是要找：{near}？" if near else "")))
    return entry


def cmd_show(args: argparse.Namespace) -> int:
    from kb.render import entry_markdown, kind_name

    cat = open_catalog(args)
    entry = _get(cat, args.id, args.lang)  # reading from a script changes no progress
    backlinks = cat.backlinks(entry["id"])
    if args.json:
        data = dict(entry)
        data["backlinks"] = [{"id": b.src.id, "kind": b.src.kind, "field": b.field} for b in backlinks]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    titles = {s.id: s.title for s in cat.list()} if entry["kind"] == "path" else None
    md = entry_markdown(entry, args.lang, step_titles=titles)
    links = []
    for label, ids in ((tr(args.lang, "Prerequisites", "前置知识"), entry.get("prerequisites")),
                       (tr(args.lang, "Related", "相关"), entry.get("related"))):
        if ids:
            links.append(f"**{label}:** " + ", ".join(f"`{i}`" for i in ids))
    if backlinks:
        links.append(f"**{tr(args.lang, 'Linked from', '被引用于')}:** " + ", ".join(
            f"`{b.src.id}` ({kind_name(b.src.kind, args.lang)})" for b in backlinks))
    _print_markdown(md + "\n" + "\n\n".join(links))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from kb.i18n import pick
    from kb.render import kind_name

    cat = open_catalog(args)
    rows = cat.list(kind=args.kind, tag=args.tag)
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
        return 0
    if not _styled():
        from kb.text import terminal_safe

        width = max((_cells(kind_name(r.kind, args.lang)) for r in rows), default=0)
        for r in rows:
            kind = kind_name(r.kind, args.lang)
            print(f"{kind}{' ' * (width - _cells(kind))} {r.id}  {terminal_safe(pick(r.title, args.lang))}")
        print(tr(args.lang, f"{len(rows)} entries", f"共 {len(rows)} 个条目"), file=sys.stderr)
        return 0
    from rich.cells import cell_len

    console = _console()
    width = max((cell_len(kind_name(r.kind, args.lang)) for r in rows), default=0)
    for r in rows:
        kind = kind_name(r.kind, args.lang)
        pad = " " * (width - cell_len(kind))  # Chinese characters take two cells
        console.print(f"[dim]{kind}{pad}[/] [bold]{r.id}[/]  {_safe(pick(r.title, args.lang))}", soft_wrap=True)
    print(tr(args.lang, f"{len(rows)} entries", f"共 {len(rows)} 个条目"), file=sys.stderr)
    return 0


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
        return 1
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
