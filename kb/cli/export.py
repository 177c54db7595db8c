"""``kb export``: the knowledge base in other study tools.

``kb export anki FILE.apkg [--lang zh|en|both] [--tag T] [--concepts]`` writes the quiz
items (and concept summaries) as an Anki deck; the logic is in :mod:`kb.export.anki`.
genanki is imported only when a deck is written, so ``kb --help`` stays light.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kb.cli import UserError
from kb.errors import NO_RESULTS, NOT_FOUND, UNAVAILABLE
from kb.i18n import tr


def register(sub: argparse._SubParsersAction, lang: str = "en") -> None:
    p = sub.add_parser("export", help=tr(lang, "export quiz items to other study tools (Anki)",
                                         "把测验题导出到其他学习工具（Anki）"),
                       description=tr(lang, "Export the knowledge base to other study tools.",
                                      "把知识库导出到其他学习工具。"))
    group = p.add_subparsers(dest="export_command", metavar="FORMAT", parser_class=type(p))
    a = group.add_parser(
        "anki", help=tr(lang, "write the quiz items as an Anki deck (.apkg)", "把测验题写成 Anki 牌组（.apkg）"),
        description=tr(lang, "Write the quiz items (and with --concepts the concept summaries) as an Anki "
                       "package. Notes keep stable ids: importing a new export updates the cards you already have "
                       "instead of adding copies.",
                       "把测验题（使用 --concepts 时还有概念摘要）写成 Anki 包。笔记的 id 保持稳定："
                       "导入新的导出文件会更新已有的卡片，而不会添加副本。"))
    a.add_argument("file", metavar="FILE.apkg", help=tr(lang, "the package to write (replaced if it exists)",
                                                        "要写入的包（已存在则替换）"))
    # dest differs from the global --lang (zh|en), which `main` resolves before this runs
    a.add_argument("--lang", dest="deck_lang", choices=["zh", "en", "both"],
                   help=tr(lang, "language of the cards; 'both' puts Chinese and English on each card "
                           "(default: the interface language)",
                           "卡片的语言；'both' 表示每张卡片上同时有中文和英文（默认：界面语言）"))
    a.add_argument("--tag", metavar="T", help=tr(lang, "only items (and concepts) with this tag",
                                                 "只导出带这个标签的测验题（和概念）"))
    a.add_argument("--concepts", action="store_true",
                   help=tr(lang, "also export a card per concept (title → summary, formulas)",
                           "同时为每个概念导出一张卡片（标题 → 摘要、公式）"))
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
        raise UserError(tr(lang, f"directory '{parent}' does not exist", f"目录“{parent}”不存在"), code=NOT_FOUND)
    catalog = open_catalog(args)
    try:
        if args.tag and not catalog.quiz_items(tag=args.tag) and not (
                args.concepts and catalog.list(kind="concept", tag=args.tag)):
            raise UserError(tr(lang, f"nothing to export with tag '{args.tag}' (see `kb list --kind quiz`)",
                               f"没有标签为“{args.tag}”的内容可导出（见 `kb list --kind quiz`）"), code=NO_RESULTS)
        try:
            result = export_catalog(catalog, path, lang=deck_lang, tag=args.tag, concepts=args.concepts)
        except OSError as exc:
            raise UserError(tr(lang, f"cannot write '{args.file}': {exc.strerror or exc}",
                               f"无法写入“{args.file}”：{exc.strerror or exc}"), code=UNAVAILABLE) from None
    finally:
        catalog.close()
    if not result.notes:
        path.unlink(missing_ok=True)
        raise UserError(tr(lang, "no quiz items in the content to export", "内容中没有可导出的测验题"), code=NO_RESULTS)
    concepts = (tr(lang, f", {result.concept_notes} concepts", f"，概念 {result.concept_notes} 个")
                if args.concepts else "")
    print(tr(lang,
             f"Wrote {result.notes} notes ({result.quiz_notes} quiz items{concepts}) to {path} "
             f"— deck “{result.deck_name}”. Import it in Anki (File → Import); re-importing a new "
             "export updates these notes.",
             f"已将 {result.notes} 条笔记（测验题 {result.quiz_notes} 道{concepts}）写入 {path}"
             f"——牌组“{result.deck_name}”。在 Anki 中用“文件 → 导入”打开；再次导入新的导出文件会更新这些笔记。"))
    return 0
