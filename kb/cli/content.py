"""Content commands: validate, schema, index, search, show, list, faq."""

from __future__ import annotations

import argparse
import json
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


def _roots(args: argparse.Namespace, extra: list[str] | None = None) -> list[Path]:
    from kb.paths import content_roots

    dirs = list(args.content) + list(extra or [])
    for d in dirs:
        if not Path(d).is_dir():
            raise UserError(tr(args.lang, f"content pack '{d}' is not a readable directory",
                               f"内容包“{d}”不是可读取的目录"))
    return content_roots(dirs)


def cmd_validate(args: argparse.Namespace) -> int:
    from kb.content import load_roots
    from kb.quality import quality_problems

    content = load_roots(_roots(args, args.dirs))
    problems = list(content.problems)
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


def cmd_schema(args: argparse.Namespace) -> int:
    from kb.schema import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0
