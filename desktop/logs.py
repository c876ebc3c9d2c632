"""Logging to a rotating file in the user's log folder; the console only gets our one-line messages."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from . import paths

_configured: Path | None = None


def setup(level: int = logging.INFO) -> Path | None:
    """Send all logging (SQLite's log included) to ``repdesk.log``; never to the terminal."""
    global _configured
    if _configured is not None:
        return _configured
    root = logging.getLogger()
    try:
        folder = paths.log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "repdesk.log"
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            target, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        target = None
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(threadName)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    _configured = target or Path("/dev/null")
    return target
