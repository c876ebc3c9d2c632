"""Named single-worker executors (DESIGN.md §2): `db` serialises store writes, `read` runs
queries off the UI thread on a reader connection, `llm` all llama.cpp calls, `sync` the sync engine.

A single worker per name is the point: one apsw writer and one `Llama` are each used from one thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

NAMES = ("db", "read", "llm", "sync")


class TaskManager:
    def __init__(self) -> None:
        self._executors = {name: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"repdesk-{name}") for name in NAMES}

    def submit(self, name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        """Run ``fn`` on the named worker thread; returns a concurrent.futures.Future."""
        return self._executors[name].submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True) -> None:
        for ex in self._executors.values():
            ex.shutdown(wait=wait, cancel_futures=True)
