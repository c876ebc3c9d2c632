"""pytest plugin: a real Tryton 8.2 central server on loopback for the sync tests.

Load it with ``pytest_plugins = ["tests.tryton_server"]`` in tests/conftest.py
(or ``-p tests.tryton_server``).

``tryton`` (session): makes sure the server is installed, initialised and seeded (``central/manage.py seed``:
minutes the very first time, nothing later), copies the seeded snapshot into a temporary folder and starts
trytond on a free loopback port with ``-d``. It yields a :class:`TrytonServer`:

    .url             "http://127.0.0.1:PORT/"
    .database        "repdesk"
    .users           {login: password} for rep.wang, rep.li, rep.zhang and mgr.chen
    .admin_password  the ``admin`` user's password
    .meta            the snapshot metadata (seed date, counts, record ids: central/manage.py)
    .restore()       stop, re-copy the snapshot, start again on the same port (a fresh database)
    .rpc(login)      a synchronous JSON-RPC helper: ``call(method, params, context=None)``

``fresh_tryton`` (module): the same object after ``restore()``, for a test module that edits data.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
MANAGE = REPO / "central" / "manage.py"


def _load_manage():
    spec = importlib.util.spec_from_file_location("repdesk_central_manage", MANAGE)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


class TrytonRPCError(Exception):
    """A JSON-RPC error answer: ``kind`` is Tryton's exception type (UserError, AccessError, ...)."""

    def __init__(self, method: str, kind: str, payload: Any) -> None:
        super().__init__(f"{method}: {kind}: {payload}")
        self.method = method
        self.kind = kind
        self.payload = payload


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {
            "__class__": "datetime",
            "year": value.year,
            "month": value.month,
            "day": value.day,
            "hour": value.hour,
            "minute": value.minute,
            "second": value.second,
            "microsecond": value.microsecond,
        }
    if isinstance(value, dt.date):
        return {"__class__": "date", "year": value.year, "month": value.month, "day": value.day}
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, bytes):
        return {"__class__": "bytes", "base64": base64.b64encode(value).decode()}
    raise TypeError(f"cannot send {type(value).__name__} to Tryton")


def _decode(obj: dict) -> Any:
    kind = obj.get("__class__")
    if kind == "datetime":
        return dt.datetime(
            obj["year"],
            obj["month"],
            obj["day"],
            obj.get("hour", 0),
            obj.get("minute", 0),
            obj.get("second", 0),
            obj.get("microsecond", 0),
        )
    if kind == "date":
        return dt.date(obj["year"], obj["month"], obj["day"])
    if kind == "Decimal":
        return Decimal(obj["decimal"])
    if kind == "bytes":
        return base64.b64decode(obj["base64"])
    return obj


class TrytonServer:
    def __init__(
        self, manage, root: Path, port: int, accounts: int | None = None, max_orders: int | None = None
    ) -> None:
        self._manage = manage
        self.snapshot, snapshot_json = manage.snapshot_paths(accounts or manage.DEFAULT_ACCOUNTS, max_orders)
        self.root = root
        self.port = port
        self.database: str = manage.DATABASE
        self.url = f"http://127.0.0.1:{port}/"
        creds = json.loads(manage.CREDENTIALS.read_text(encoding="utf-8"))
        self.users: dict[str, str] = dict(creds["users"])
        self.admin_password: str = creds["admin_password"]
        self.meta: dict = json.loads(snapshot_json.read_text(encoding="utf-8"))
        self.db_dir = root / "db"
        self.conf = root / "trytond.conf"
        self.log = root / "trytond.log"
        self._proc: subprocess.Popen | None = None
        manage.write_config(self.conf, self.db_dir, port)

    # -- life cycle --------------------------------------------------------------------------------
    def start(self) -> None:
        self._manage.restore_snapshot(self.db_dir, self.snapshot)
        self._proc = self._manage.spawn(self.conf, self.log, self.database)
        try:
            self._manage.wait_ready(self.port, self._proc, timeout=60)
        except Exception:
            self.stop()
            raise RuntimeError(f"trytond did not start; log tail:\n{self.log_tail()}") from None

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._manage.stop_process(self._proc.pid)
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self._proc = None

    def restore(self) -> None:
        """A fresh database: stop, copy the seeded snapshot again, start on the same port."""
        self.stop()
        self.start()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    # -- JSON-RPC --------------------------------------------------------------------------------
    def version(self) -> str:
        return self._post(f"{self.url}rpc/", "common.server.version", [], None)

    def password(self, login: str) -> str:
        return self.admin_password if login == "admin" else self.users[login]

    def _post(self, url: str, method: str, params: list, auth: str | None, timeout: float = 60.0) -> Any:
        body = json.dumps({"id": 1, "method": method, "params": params}, default=_encode).encode()
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = auth
        req = urllib.request.Request(url, data=body, headers=headers)
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            answer = json.loads(resp.read(), object_hook=_decode)
        if answer.get("error"):
            kind, payload = (answer["error"] + [None, None])[:2]
            raise TrytonRPCError(method, kind, payload)
        return answer.get("result")

    def rpc(self, login: str, password: str | None = None) -> Callable[..., Any]:
        """Log in and return ``call(method, params, context=None)``.

        ``model.*`` / ``wizard.*`` / ``report.*`` calls get the user's preferences context appended as the
        last parameter (merged with ``context``); other methods (``common.*``) are sent as given. Dates,
        datetimes and Decimals travel both ways as Python objects. An expired session (HTTP 401, e.g. after
        ``restore()``) logs in again once.
        """
        url = f"{self.url}{self.database}/rpc/"
        password = password if password is not None else self.password(login)
        state: dict[str, Any] = {}

        def login_() -> None:
            try:
                uid, session = self._post(
                    url, "common.db.login", [login, {"password": password}, "en"], None
                )[:2]
            except urllib.error.HTTPError as exc:  # a wrong password answers HTTP 401 / 403
                raise TrytonRPCError("common.db.login", f"HTTP {exc.code}", login) from None
            state["auth"] = "Session " + base64.b64encode(f"{login}:{uid}:{session}".encode()).decode()
            state["uid"] = uid
            state["context"] = self._post(url, "model.res.user.get_preferences", [True, {}], state["auth"])

        def call(method: str, params: list | None = None, context: dict | None = None) -> Any:
            params = list(params or [])
            for attempt in (0, 1):
                if "auth" not in state:
                    login_()
                sent = params
                if method.split(".", 1)[0] in {"model", "wizard", "report"}:
                    sent = [*params, {**state["context"], **(context or {})}]
                try:
                    return self._post(url, method, sent, state["auth"])
                except urllib.error.HTTPError as exc:
                    if exc.code == 401 and attempt == 0:
                        state.pop("auth", None)
                        continue
                    raise
            raise AssertionError("unreachable")

        login_()
        call.uid = state["uid"]  # type: ignore[attr-defined]
        call.context = state["context"]  # type: ignore[attr-defined]
        return call


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_seeded(accounts: int | None = None, max_orders: int | None = None) -> None:
    """install + init + seed through central/manage.py (each step is skipped when already done)."""
    env = {**os.environ, "REPDESK_PYTHON": os.environ.get("REPDESK_PYTHON", sys.executable)}
    cmd = [sys.executable, str(MANAGE), "seed"]
    if accounts is not None:
        cmd += ["--accounts", str(accounts)]
    if max_orders is not None:
        cmd += ["--max-orders", str(max_orders)]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"central/manage.py seed failed:\n{result.stdout}\n{result.stderr}")


def launch(root: Path, accounts: int | None = None, max_orders: int | None = None) -> TrytonServer:
    """Seed (if needed) and start a private server on a copy of that size's snapshot; the caller stops it.

    For benchmarks: ``launch(tmp, accounts=10000, max_orders=9000)`` (the first seeding takes minutes).
    """
    ensure_seeded(accounts, max_orders)
    root.mkdir(parents=True, exist_ok=True)
    server = TrytonServer(_load_manage(), root, _free_port(), accounts, max_orders)
    server.start()
    return server


@pytest.fixture(scope="session")
def tryton(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TrytonServer]:
    server = launch(tmp_path_factory.mktemp("tryton"))
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.db_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def fresh_tryton(tryton: TrytonServer) -> TrytonServer:
    tryton.restore()
    return tryton
