"""The event stream a child crawl writes for its parent: one marked JSON line per event on stdout."""

from __future__ import annotations

import json
import sys
from typing import Any

MARK = "@@seowatch "


def emit(event: str, **fields: Any) -> None:
    sys.stdout.write(MARK + json.dumps({"event": event, **fields}, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def parse_line(line: str) -> dict[str, Any] | None:
    """The event on a line of child output, or None for anything else."""
    if not line.startswith(MARK):
        return None
    try:
        return json.loads(line[len(MARK):])
    except ValueError:
        return None
