"""``kb export``: the knowledge base in other study tools.

``kb export anki FILE.apkg [--lang zh|en|both] [--tag T] [--concepts]`` writes the quiz
items (and concept summaries) as an Anki deck; the logic is in :mod:`kb.export.anki`.
genanki is imported only when a deck is written, so ``kb --help`` stays light.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kb.cli import UserError
from kb.i18n import tr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export quiz items to other study tools (Anki)",
                       description="Export the knowledge base to other study tools.")
    group = p.add_subparsers(dest="export_command", metavar="FORMAT", parser_class=type(p))
    a = group.add_parser(
        "anki", help="write the quiz items as an Anki deck (.apkg)",
        description="Write the quiz items (and with --concepts the concept summaries) as an Anki "
        "package. Notes keep stable ids: importing a new export updates the cards you already have "
        "instead of adding copies.")
    a.add_argument("file", metavar="FILE.apkg", help="the package to write (replaced if it exists)")
    # dest differs from the global --lang (zh|en), which `main` resolves before this runs
    a.add_argument("--lang", dest="deck_lang", choices=["zh", "en", "both"],
                   help="language of the cards; 'both' puts Chinese and English on each card "
                   "(default: the interface language)")
    a.add_argument("--tag", metavar="T", help="only items (and concepts) with this tag")
    a.add_argument("--concepts", action="store_true", help="also export a card per concept (title → summary, formulas)")
    a.set_defaults(func=cmd_anki)


def cmd_anki(args: argparse.Namespace) -> int:
    from kb.cli.content import open_catalog
    from kb.export.anki import export_catalog

    lang = args.lang
    deck_lang = args.deck_lang or lang
    path = Path(args.file)
    if path.suffix.lower() != ".apkg":
        raise UserError(tr(lang, f"'{args.file}' does not end in .apkg (Anki imports .apkg packages)",
                           f"“{args.file}”的扩展名不是 .apkg（Anki 导入的是 .apkg 包）"))
    if path.is_dir():
        raise UserError(tr(lang, f"'{args.file}' is a directory", f"“{args.file}”是一个目录"))
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(tr(lang, f"directory '{parent}' does not exist", f"目录“{parent}”不存在"))
    catalog = open_catalog(args)
    try:
        if args.tag and not catalog.quiz_items(tag=args.tag) and not (
                args.concepts and catalog.list(kind="concept", tag=args.tag)):
            raise UserError(tr(lang, f"nothing to export with tag '{args.tag}' (see `kb tags`)",
                               f"没有标签为“{args.tag}”的内容可导出（见 `kb tags`）"))
        try:
            result = export_catalog(catalog, path, lang=deck_lang, tag=args.tag, concepts=args.concepts)
        except OSError as exc:
            raise UserError(tr(lang, f"cannot write '{args.file}': {exc.strerror or exc}",
                               f"无法写入“{args.file}”：{exc.strerror or exc}")) from None
    finally:
        catalog.close()
    if not result.notes:
        path.unlink(missing_ok=True)
        raise UserError(tr(lang, "no quiz items in the content to export", "内容中没有可导出的测验题"))
    concepts = (tr(lang, f", {result.concept_notes} concepts", f"，概念 {result.concept_notes} 个")
                if args.concepts else "")
    print(tr(lang,
             f"Wrote {result.notes} notes ({result.quiz_notes} quiz items{concepts}) to {path} "
             f"— deck “{result.deck_name}”. Import it in Anki (File → Import); re-importing a new "
             "export updates these notes.",
             f"已将 {result.notes} 条笔记（测验题 {result.quiz_notes} 道{concepts}）写入 {path}"
             f"——牌组“{result.deck_name}”。在 Anki 中用“文件 → 导入”打开；再次导入新的导出文件会更新这些笔记。"))
    return 0
