"""RepDesk's core: domain, encrypted store, services, CLI and the wiring of sync and local models. No Qt."""

from __future__ import annotations

__version__ = "0.1.0"
