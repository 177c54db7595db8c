"""The wheel's build hook: the index of the shipped content and an empty progress store,
made once here so that a first start copies them (``kb/shipped.py``) instead of parsing
every content file and running the store's migrations.

Runs in the build environment with kb's index and store dependencies (pyproject's
``[tool.hatch.build.targets.wheel.hooks.custom]``); imports kb from this source tree.
An editable install finds the files in ``kb/_shipped/`` of the tree itself.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class ShippedData(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        shipped = root / "kb" / "_shipped"
        sys.path.insert(0, str(root))
        try:
            from kb.shipped import INDEX_FILE, MANIFEST_FILE, STORE_FILE, build

            build(shipped, root / "content")
        finally:
            sys.path.remove(str(root))
        if version != "editable":
            for name in (INDEX_FILE, STORE_FILE, MANIFEST_FILE):
                build_data["force_include"][str(shipped / name)] = f"kb/_shipped/{name}"
