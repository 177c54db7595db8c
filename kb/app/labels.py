"""The content-kind registry and the bilingual labels every face shows: kind names, step
verbs, and the marks for a path step's or an exercise's state.

A rule a learner can see is drawn the same way by ``kb`` and the app because both take it
from here. The standard library and :mod:`kb.i18n` only: the cheap read path (``kb show``,
``kb list``) and the TUI's first paint import this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.i18n import tr


@dataclass(frozen=True)
class Kind:
    """One kind of content entry: its id (the YAML ``kind``), the folder its files live in
    under a content root, and its names."""

    id: str
    folder: str
    name: tuple[str, str]  # (English, Chinese), one entry
    plural: tuple[str, str]  # (English, Chinese), a list of them


# In the order the faces list kinds (Browse, Home's counts, `kb search --kind`). Adding a kind:
# a model in kb.schema, a line here, and a view in kb.render; tests/kb/test_app_labels.py
# checks this against the schema's kinds and the index's folders (the core cannot import
# the app layer, so those keep their own copies).
KINDS: tuple[Kind, ...] = (
    Kind("concept", "concepts", ("Concept", "概念"), ("Concepts", "概念")),
    Kind("faq", "faqs", ("FAQ", "常见问题"), ("FAQs", "常见问题")),
    Kind("tool", "tools", ("Tool", "工具"), ("Tools", "工具")),
    Kind("application", "applications", ("Application", "应用"), ("Applications", "应用")),
    Kind("exercise", "exercises", ("Exercise", "练习"), ("Exercises", "练习")),
    Kind("quiz", "quizzes", ("Quiz", "测验"), ("Quizzes", "测验")),
    Kind("path", "paths", ("Learning path", "学习路径"), ("Learning paths", "学习路径")),
)
KIND_IDS: tuple[str, ...] = tuple(k.id for k in KINDS)
FOLDERS: dict[str, str] = {k.id: k.folder for k in KINDS}
_BY_ID: dict[str, Kind] = {k.id: k for k in KINDS}


def kind_name(kind: str, lang: str) -> str:
    """One entry's kind ("Concept", "概念"); an unknown kind as it is spelled."""
    found = _BY_ID.get(kind)
    return tr(lang, *found.name) if found else kind


def kind_plural(kind: str, lang: str) -> str:
    """The kind as a heading over a list ("Concepts")."""
    found = _BY_ID.get(kind)
    return tr(lang, *found.plural) if found else kind


# --- learning-path steps -------------------------------------------------------------------

STEP_VERBS: dict[str, tuple[str, str]] = {"read": ("Read", "阅读"), "quiz": ("Quiz", "测验"),
                                          "exercise": ("Exercise", "练习")}
# A step's state (kb.learning_path: done, started, todo, missing) as a mark and a word.
STEP_MARKS: dict[str, str] = {"done": "✓", "started": "◐", "todo": "○", "missing": "✗"}
STEP_STATES: dict[str, tuple[str, str]] = {"done": ("done", "已完成"), "started": ("started", "进行中"),
                                           "todo": ("to do", "待完成"), "missing": ("missing", "缺失")}
UNKNOWN_MARK = "·"


def step_verb(do: str, lang: str) -> str:
    pair = STEP_VERBS.get(do)
    return tr(lang, *pair) if pair else do


def step_mark(state: str) -> str:
    return STEP_MARKS.get(state, UNKNOWN_MARK)


def step_state(state: str, lang: str) -> str:
    pair = STEP_STATES.get(state)
    return tr(lang, *pair) if pair else state


# --- exercises -----------------------------------------------------------------------------

# An exercise's state (kb.exercises.exercise_state): checked and passed, checked and never
# passed, the learner's file exists but was never checked, untouched. Attempted and started
# are both in progress (◐, as a started path step); a failed check is a step on the way.
TRACKS: dict[str, tuple[str, str]] = {
    "foundations": ("Foundations", "基础"),
    "networks": ("Composed networks", "组合网络"),
    "autograd": ("Autograd", "自动微分"),
    "large-models": ("Large models", "大模型"),
}


def track_name(track: str, lang: str) -> str:
    """A course track's name (an unknown track is shown as written)."""
    en, zh = TRACKS.get(track, (track, track))
    return tr(lang, en, zh)


EXERCISE_MARKS: dict[str, str] = {"passed": "✓", "attempted": "◐", "started": "◐", "new": "○"}
EXERCISE_STATES: dict[str, tuple[str, str]] = {"passed": ("passed", "已通过"), "attempted": ("attempted", "已尝试"),
                                               "started": ("started", "已开始"), "new": ("new", "未开始")}


def exercise_mark(state: str | None) -> str:
    return EXERCISE_MARKS.get(state or "new", UNKNOWN_MARK)


def exercise_state_label(state: str | None, lang: str) -> str:
    pair = EXERCISE_STATES.get(state or "new")
    return tr(lang, *pair) if pair else str(state)



# --- check verdicts ------------------------------------------------------------------------

# An engine report's status (engine.report.STATUSES) as a mark and a word; "ungraded" is the
# classroom grader's cell for a submission it could not check.
VERDICT_MARKS: dict[str, str] = {"pass": "✓", "fail": "✗", "error": "!", "timeout": "⏱", "memory": "M",
                                 "crashed": "☠", "output-limit": "…", "not-started": "·", "ungraded": "?"}
VERDICT_WORDS: dict[str, tuple[str, str]] = {
    "pass": ("PASS", "通过"), "fail": ("FAIL", "未通过"), "error": ("ERROR", "出错"), "timeout": ("TIMEOUT", "超时"),
    "memory": ("OUT OF MEMORY", "内存不足"), "crashed": ("CRASHED", "崩溃"),
    "output-limit": ("OUTPUT LIMIT", "输出过多"), "not-started": ("NOT STARTED", "尚未开始"),
    "ungraded": ("UNGRADED", "未评分"),
}


def verdict_mark(status: str) -> str:
    return VERDICT_MARKS.get(status, "?")


def verdict_word(status: str, lang: str) -> str:
    pair = VERDICT_WORDS.get(status)
    return tr(lang, *pair) if pair else status.upper()
