"""Interface strings the TUI shows in more than one place, in English and Chinese.

One-off strings are written inline with :func:`kb.i18n.tr`; this module holds the key
labels (so the footer follows the language toggle) and the names of screens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from textual.binding import ActiveBinding

from kb.app.labels import kind_name
from kb.i18n import tr

# Binding id -> (English, Chinese) description shown in the footer and the key help.
BINDING_LABELS: dict[str, tuple[str, str]] = {
    "kb.lang": ("中文", "English"),
    "kb.keys": ("Keys", "按键"),
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
    "kb.open-editor": ("$EDITOR", "外部编辑器"),
    "kb.submit": ("Answer", "作答"),
    "kb.next": ("Next", "下一题"),
    "kb.rate": ("Rate", "评分"),
    "kb.end-session": ("End session", "结束"),
    "kb.undo": ("Undo", "撤销"),
    "kb.focus-editor": ("Editor", "编辑器"),
    "kb.focus-results": ("Results", "结果"),
    "kb.next-exercise": ("Next exercise", "下一个练习"),
}


# Textual's own key descriptions (scrolling, editing, lists), for the keys panel in Chinese.
GENERIC_KEY_LABELS: dict[str, str] = {
    "Copy": "复制", "Copy selected text": "复制选中的文字", "Cut": "剪切", "Cut selected text": "剪切选中的文字",
    "Paste": "粘贴", "Paste text from the clipboard": "从剪贴板粘贴", "Undo": "撤销", "Redo": "重做",
    "Select all": "全选", "Select line": "选中整行", "Select": "选择", "Submit": "提交", "Quit": "退出",
    "Scroll Up": "向上滚动", "Scroll Down": "向下滚动", "Scroll Left": "向左滚动", "Scroll Right": "向右滚动",
    "Scroll Home": "滚到开头", "Scroll End": "滚到末尾", "Page Up": "上一页", "Page Down": "下一页",
    "Page Left": "向左翻页", "Page Right": "向右翻页", "Up": "上移", "Down": "下移", "First": "第一项", "Last": "最后一项",
    "Focus Next": "下一个部件", "Focus Previous": "上一个部件", "Press button": "按下按钮", "Show menu": "展开菜单",
    "Cursor up": "光标上移", "Cursor down": "光标下移", "Cursor left": "光标左移", "Cursor right": "光标右移",
    "Cursor word left": "光标左移一词", "Cursor word right": "光标右移一词", "Cursor line start": "光标到行首",
    "Cursor line end": "光标到行尾", "Cursor page up": "光标上移一页", "Cursor page down": "光标下移一页",
    "Delete character left": "删除左边的字符", "Delete character right": "删除右边的字符",
    "Delete left to start of word": "删除到词首", "Delete right to start of word": "删除到下一词首",
    "Delete line": "删除整行", "Delete to line start": "删除到行首", "Delete to line end": "删除到行尾",
    "Delete all to the left": "删除左边全部", "Delete all to the right": "删除右边全部",
    "Go to start": "到开头", "Go to end": "到末尾", "Move cursor left": "光标左移", "Move cursor right": "光标右移",
    "Cursor up select": "向上选择", "Cursor down select": "向下选择", "Cursor left select": "向左选择",
    "Cursor right select": "向右选择", "Cursor left word select": "向左选择一词", "Cursor right word select": "向右选择一词",
    "Cursor line start select": "选择到行首", "Cursor line end select": "选择到行尾",
    "Select line start": "选择到行首", "Select line end": "选择到行尾",
    "Move cursor left a word": "光标左移一词", "Move cursor right a word": "光标右移一词",
    "Move cursor left and select": "向左选择", "Move cursor right and select": "向右选择",
    "Move cursor left a word and select": "向左选择一词", "Move cursor right a word and select": "向右选择一词",
    "Move cursor right or accept the completion suggestion": "光标右移或接受补全建议",
}


def generic_key_label(description: str, lang: str) -> str:
    """A Textual widget's key description in ``lang`` (as it is where kb has no translation)."""
    return GENERIC_KEY_LABELS.get(description, description) if lang == "zh" else description


def binding_label(binding_id: str | None, lang: str, default: str) -> str:
    pair = BINDING_LABELS.get(binding_id or "")
    return tr(lang, *pair) if pair else default


def localize_active(active: Mapping[str, ActiveBinding], lang: str) -> dict[str, ActiveBinding]:
    """``Screen.active_bindings`` with kb's descriptions in ``lang``. The footer draws what
    ``active_bindings`` returns, so a screen that passes its bindings through this shows
    them in the current language; the bindings themselves (class-level, frozen) stay as
    declared, and a language switch only needs ``refresh_bindings``."""
    return {
        key: item._replace(binding=replace(item.binding, description=binding_label(item.binding.id, lang,
                                                                                 item.binding.description)))
        if item.binding.id in BINDING_LABELS else item
        for key, item in active.items()
    }


# A kind's name, from the registry the CLI uses too (kb.app.labels: kind_plural, KIND_IDS).
kind_label = kind_name
