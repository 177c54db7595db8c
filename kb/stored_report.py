"""Reading a check report back from the progress store.

A stored ``report_json`` is data from the past: written by an older engine, imported from
another machine's export, or edited by hand. It is shown as a courtesy ("your last
check"), so one that cannot be read is ignored rather than stopping whatever wanted it:
:func:`read_stored_report` returns ``None`` for anything but a well-formed report of a
bounded size.
"""

from __future__ import annotations

import json
import math
from typing import Any

# Reports are a few KB (the engine cuts learner output to excerpts); the cap only stops
# a hostile value from costing memory and time every time an exercise opens.
MAX_REPORT_CHARS = 1_000_000
MAX_CHECKS = 1_000


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN / Infinity: the engine never writes them


def _message(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("en"), str) and isinstance(value.get("zh"), str) \
        and set(value) <= {"en", "zh"}


def _number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value) and value >= 0


def _optional(data: dict, key: str, kind: type | tuple[type, ...]) -> bool:
    return key not in data or isinstance(data[key], kind)


def _well_formed(data: Any) -> bool:
    from engine.report import STATUSES

    if not isinstance(data, dict) or data.get("status") not in STATUSES or not _message(data.get("message")):
        return False
    if "duration_s" in data and not _number(data["duration_s"]):
        return False
    if not (_optional(data, "stdout", str) and _optional(data, "stderr", str)
            and _optional(data, "stdout_truncated", bool) and _optional(data, "stderr_truncated", bool)
            and _optional(data, "exercise", (str, type(None))) and _optional(data, "run", dict)
            and _optional(data, "checks", list)):
        return False
    checks = data.get("checks", [])
    if len(checks) > MAX_CHECKS:
        return False
    for c in checks:
        if not (isinstance(c, dict) and isinstance(c.get("name"), str) and c.get("status") in STATUSES
                and _message(c.get("message")) and ("title" not in c or _message(c["title"]))
                and _optional(c, "kind", str) and _optional(c, "diagnostics", dict)):
            return False
    return True


def read_stored_report(text: Any):
    """The ``engine.Report`` stored as ``text``, or None when it is missing, too large,
    not JSON, or not shaped like a report."""
    if not isinstance(text, str) or not text or len(text) > MAX_REPORT_CHARS:
        return None
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError; so is a 5000-digit int
        return None
    if not _well_formed(data):
        return None
    from engine.report import Report

    try:
        return Report.from_dict(data)
    except (TypeError, ValueError, KeyError):  # pragma: no cover - _well_formed checks what from_dict needs
        return None
