"""`repdesk --self-test`: does this installation work, end to end, on this machine? (No Qt here; the window step is
ui/selftest.py.)

The checks run on a throwaway encrypted workspace in a temporary folder (a small demo book; its key in a key file
beside it, never in the OS keyring), so the rep's workspace is neither read nor changed. What it shares with the
app is what an installation check should see: IT's policy, the user's model registry (bundled models are
registered there on first use, as on a first start) and the example-embedding cache (warmed, as on a first start). They use the real parts:
the bundled llama.cpp runtime (portable build required), the intent encoder, the active chat model (which must
decode a few grammar-constrained tokens: a non-portable build fails exactly there on older CPUs), and one
suggestion grounded in the demo data. Each step is timed; the first failure ends the run.
"""

from __future__ import annotations

import datetime as _dt
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import RepDeskError

SAMPLE_MESSAGE = "Hi, do you have 200 units in stock? We need them delivered by Friday. 请确认库存和交期。"


class SelfTestFailed(RepDeskError):
    code = "self_test_failed"


@dataclass
class Step:
    name: str
    seconds: float
    detail: str


@dataclass
class SelfTest:
    """The steps run so far, the resources to release, and the one-line report."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="repdesk-selftest-")))
    steps: list[Step] = field(default_factory=list)
    workspace: object | None = None
    assistant: object | None = None
    failed: str = ""

    def step(self, name: str, fn: Callable[[], str]) -> bool:
        """Run one check; record its detail or the failure. False once anything has failed."""
        if self.failed:
            return False
        t0 = time.perf_counter()
        try:
            detail = fn()
        except Exception as exc:  # noqa: BLE001 - every failure is reported in one line, never a traceback
            message = str(exc) if isinstance(exc, RepDeskError) else f"{type(exc).__name__}: {exc}"
            self.failed = f"{name}: {message}"
            return False
        self.steps.append(Step(name, time.perf_counter() - t0, detail))
        return True

    # -- the core checks ---------------------------------------------------------------------------------------
    def check_runtime(self) -> str:
        from local_models.runtime import runtime_info

        info = runtime_info()
        if not info.available:
            raise SelfTestFailed(f"llama.cpp cannot be loaded ({info.error})")
        if not info.portable:
            raise SelfTestFailed("llama.cpp was built with AVX-512/AMX kernels: it would crash on older CPUs")
        return f"llama.cpp {info.version} portable"

    def check_store(self) -> str:
        from . import demo
        from .secrets import KeyringStatus, KeyStore
        from .services.accounts import AccountService
        from .store import is_encrypted
        from .workspace import DB_NAME, Workspace

        keys = KeyStore(self.folder / "config", KeyringStatus("self-test", False, "kept out of the OS keyring"))
        ws = Workspace.create(self.folder / "workspace", keys, kind="demo")
        self.workspace = ws
        summary = demo.generate(ws.store.conn, accounts=12, today=_dt.date.today())
        if not is_encrypted(self.folder / "workspace" / DB_NAME):
            raise SelfTestFailed("the database file is not encrypted (is plain apsw installed instead of "
                                 "apsw-sqlite3mc?)")
        service = AccountService(ws.store)
        if service.count() != summary.accounts:
            raise SelfTestFailed(f"{service.count()} accounts read back, {summary.accounts} written")
        first = next(iter(service.rows(service.ids()[:1]).values()), None)
        if first is None or not service.search(first.name_zh[:3]):
            raise SelfTestFailed("full-text search (Chinese) found nothing for a stored account")
        return f"encrypted store ({ws.store.cipher()}, schema {ws.store.schema_version()})"

    def check_models(self) -> str:
        from .assistant_wiring import open_assistant

        self.assistant = open_assistant(self.workspace.store, with_llm=True, n_threads=2)
        model = self.assistant.model
        if model is None:
            return "intent encoder loaded; no chat model active (drafts off)"
        entry = model.entry
        answer = model.choose([{"role": "user", "content": "Is 2 + 2 equal to 4? Answer yes or no."}],
                              ["yes", "no"])
        if answer not in ("yes", "no"):
            raise SelfTestFailed(f"the chat model answered {answer!r} outside its grammar")
        return f"model {entry.id} decoded"

    def check_suggestion(self) -> str:
        from .services.accounts import AccountService

        service = AccountService(self.workspace.store)
        account_id = service.ids()[0]
        result = self.assistant.suggest(SAMPLE_MESSAGE, account_id=account_id)
        if not result.actions:
            raise SelfTestFailed("no next-best action was proposed")
        label = result.recognition.label or "needs review"
        return f"suggestion {label} → {len(result.actions)} actions"

    def run_core(self) -> bool:
        return (self.step("runtime", self.check_runtime) and self.step("store", self.check_store)
                and self.step("models", self.check_models) and self.step("suggestion", self.check_suggestion))

    # -- the end -------------------------------------------------------------------------------------------------
    def close(self) -> None:
        for thing in (self.assistant, self.workspace):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # noqa: BLE001 - cleaning up after a failure must not hide it
                    pass
        self.assistant = self.workspace = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def report(self) -> str:
        frozen = " frozen" if getattr(sys, "frozen", False) else ""
        total = sum(s.seconds for s in self.steps)
        done = "; ".join(f"{s.detail} ({s.seconds:.1f} s)" for s in self.steps)
        if self.failed:
            return f"RepDesk {__version__}{frozen} self-test FAILED at {self.failed}" + (
                f" [passed: {done}]" if done else "")
        return f"RepDesk {__version__}{frozen} self-test OK in {total:.1f} s: {done}"
