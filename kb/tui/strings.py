"""Interface strings the TUI shows in more than one place, in English and Chinese.

One-off strings are written inline with :func:`kb.i18n.tr`; this module holds the key
labels (so the footer follows the language toggle) and the names of screens.
"""

from __future__ import annotations

from dataclasses import replace

from kb.i18n import tr

# Binding id -> (English, Chinese) description shown in the footer and the key help.
BINDING_LABELS: dict[str, tuple[str, str]] = {
    "kb.lang": ("中文", "English"),
    "kb.theme": ("Light/Dark", "明/暗"),
    "kb.home": ("Home", "首页"),
    "kb.browse": ("Browse", "浏览"),
    "kb.search": ("Search", "搜索"),
    "kb.review": ("Review", "复习"),
    "kb.progress": ("Progress", "进度"),
    "kb.exercises": ("Exercises", "练习"),
    "kb.problems": ("Problems", "内容问题"),
    "kb.continue": ("Continue", "继续"),
    "kb.back": ("Back", "返回"),
    "kb.close": ("Close", "关闭"),
    "kb.history-back": ("Prev", "后退"),
    "kb.history-forward": ("Next", "前进"),
    "kb.links": ("Links", "链接"),
    "kb.workspace": ("Workspace", "练习区"),
    "kb.start-quiz": ("Quiz", "测验"),
    "kb.follow": ("Follow path", "跟随路径"),
    "kb.filter-tag": ("Tag", "标签"),
    "kb.check": ("Check", "检查"),
    "kb.save": ("Save", "保存"),
    "kb.hint": ("Hint", "提示"),
    "kb.solution": ("Solution", "答案"),
    "kb.reload": ("Reload file", "重新载入"),
    "kb.submit": ("Answer", "作答"),
    "kb.next": ("Next", "下一题"),
    "kb.rate": ("Rate", "评分"),
    "kb.end-session": ("End session", "结束"),
    "kb.focus-editor": ("Editor", "编辑器"),
    "kb.focus-results": ("Results", "结果"),
    "kb.next-exercise": ("Next exercise", "下一个练习"),
}


def binding_label(binding_id: str | None, lang: str, default: str) -> str:
    pair = BINDING_LABELS.get(binding_id or "")
    return tr(lang, *pair) if pair else default


def localize_bindings(node, lang: str) -> None:
    """Rewrite the descriptions of kb's bindings on ``node`` (app, screen or widget)
    in ``lang``. Bindings are frozen dataclasses, so each is replaced."""
    bindings = getattr(node, "_bindings", None)
    if bindings is None:
        return
    for key, items in bindings.key_to_bindings.items():
        if any(b.id in BINDING_LABELS for b in items):
            bindings.key_to_bindings[key] = [
                replace(b, description=binding_label(b.id, lang, b.description)) if b.id in BINDING_LABELS else b
                for b in items
            ]


KIND_PLURALS = {
    "concept": ("Concepts", "概念"), "faq": ("FAQs", "常见问题"), "tool": ("Tools", "工具"),
    "application": ("Applications", "应用"), "exercise": ("Exercises", "练习"),
    "quiz": ("Quizzes", "测验"), "path": ("Learning paths", "学习路径"),
}
KIND_ORDER = ("concept", "faq", "tool", "application", "exercise", "quiz", "path")


def kind_plural(kind: str, lang: str) -> str:
    return tr(lang, *KIND_PLURALS.get(kind, (kind, kind)))


def kind_label(kind: str, lang: str) -> str:
    """``kb.render.kind_name`` (imported on first use: it pulls in the content schema,
    which the first paint does without)."""
    from kb.render import kind_name

    return kind_name(kind, lang)
