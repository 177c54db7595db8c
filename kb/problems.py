"""A problem found in the content: where it is and what is wrong. Plain data, so that
reading the problems the index recorded (Home's counts) needs neither YAML nor pydantic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    field: str
    message: str
    severity: str = "error"  # "error" or "warning" (warnings fail only --strict)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.field or '-'}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "line": self.line, "col": self.col,
            "field": self.field, "message": self.message, "severity": self.severity,
        }
