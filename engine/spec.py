"""The exercise spec the engine understands: entry functions, starter, reference
solution, declarative checks and limits. kb's exercise content model extends this one.

(Initial frame; the engine owns and extends the check kinds.)
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FunctionSig(_Strict):
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    signature: str


class Limits(_Strict):
    timeout_s: float = Field(default=10.0, gt=0, le=300)
    memory_mb: int = Field(default=1024, ge=256, le=8192)


class ExerciseSpec(_Strict):
    functions: list[FunctionSig] = Field(min_length=1)
    starter: str
    solution: str
    checks: list[dict[str, Any]] = Field(min_length=1)
    limits: Limits = Limits()
