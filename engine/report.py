"""The result of a check: one overall status and one result per declared check.

Plain dataclasses (no NumPy, no pydantic) with a JSON form, so that kb can store a
report in the progress store and the TUI can render it without importing the engine's
heavy parts.
"""

from __future__ import annotations

from collections.abc import Sequence

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.diagnostics import Diagnostics, parse

Status = Literal[
    "pass", "fail", "error", "timeout", "memory", "crashed", "output-limit", "not-started"
]
STATUSES: tuple[str, ...] = (
    "pass", "fail", "error", "timeout", "memory", "crashed", "output-limit", "not-started"
)
# Statuses that describe the whole run (the process), not one result.
PROCESS_STATUSES = ("timeout", "memory", "crashed", "output-limit")


@dataclass
class Message:
    en: str
    zh: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict[str, str]:
        return {"en": self.en, "zh": self.zh}

    def __add__(self, other: "Message") -> "Message":
        return Message(self.en + other.en, self.zh + other.zh)

    @staticmethod
    def join(parts: list["Message"], en_sep: str = " ", zh_sep: str = "") -> "Message":
        parts = [p for p in parts if p is not None]
        return Message(en_sep.join(p.en for p in parts), zh_sep.join(p.zh for p in parts))


@dataclass
class CheckResult:
    name: str  # the check's stable id (e.g. "stability", "value-1")
    kind: str  # value, stability, immutability, property, gradient, training, trajectory, language-model
    status: Status
    message: Message
    title: Message  # human label of the check
    # The JSON form, as stored and sent; read it typed through ``details``.
    diagnostics: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, name: str, kind: str, status: Status, message: Message, title: Message,
           details: Diagnostics) -> "CheckResult":
        return cls(name, kind, status, message, title, details.to_dict())

    @property
    def details(self) -> Diagnostics:
        """The diagnostics as the kind's typed object (``GradientDiagnostics`` for a
        gradient check...). Decoded on each access, so it always shows ``diagnostics``."""
        return parse(self.kind, self.diagnostics)

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "title": self.title.to_dict(),
            "message": self.message.to_dict(),
            "diagnostics": clean(self.diagnostics),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CheckResult":
        return cls(
            name=data["name"],
            kind=data.get("kind", ""),
            status=data["status"],
            message=Message(**data["message"]),
            title=Message(**data.get("title", {"en": data["name"], "zh": data["name"]})),
            diagnostics=data.get("diagnostics", {}),
        )


@dataclass
class Report:
    status: Status
    checks: list[CheckResult]
    duration_s: float
    message: Message  # one-line summary
    stdout: str = ""  # excerpts of what the learner's code printed
    stderr: str = ""
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    exercise: str | None = None
    run: dict[str, Any] = field(default_factory=dict)  # how the learner's process ended

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "status": self.status,
            "message": self.message.to_dict(),
            "duration_s": round(self.duration_s, 4),
            "checks": [c.to_dict() for c in self.checks],
            "stdout": self.stdout,
            "stderr": self.stderr,
            "stdout_truncated": self.stdout_truncated,
            "stderr_truncated": self.stderr_truncated,
            "run": self.run,
        }

    def to_json(self, **kwargs: Any) -> str:
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), default=_jsonable, allow_nan=False, **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Report":
        return cls(
            status=data["status"],
            checks=[CheckResult.from_dict(c) for c in data.get("checks", [])],
            duration_s=float(data.get("duration_s", 0.0)),
            message=Message(**data["message"]),
            stdout=data.get("stdout", ""),
            stderr=data.get("stderr", ""),
            stdout_truncated=bool(data.get("stdout_truncated", False)),
            stderr_truncated=bool(data.get("stderr_truncated", False)),
            exercise=data.get("exercise"),
            run=data.get("run", {}),
        )

    @classmethod
    def from_json(cls, text: str) -> "Report":
        return cls.from_dict(json.loads(text))


def clean(value: Any) -> Any:
    """Diagnostics as strict JSON: NumPy values become Python ones, NaN and infinities
    become the strings "nan", "inf", "-inf", tuples become lists."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return str(value)


def _jsonable(value: Any) -> Any:
    return clean(value)


def overall_status(statuses: Sequence[str]) -> str:
    """``pass`` only when every check passed; a problem with the process wins, then
    errors, then wrong results; ``not-started`` when nothing else went wrong."""
    if statuses and all(s == "pass" for s in statuses):
        return "pass"
    for s in ("crashed", "timeout", "memory", "output-limit", "error", "fail", "not-started"):
        if s in statuses:
            return s
    return "crashed"  # no checks at all: never a pass
