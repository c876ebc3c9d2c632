"""A small fault-injecting HTTP proxy on loopback, put between a client and the real Tryton server in tests.

Each incoming POST takes the next fault of a programmable schedule (then "pass"), or a random one:

- ``"pass"``: forward and answer with the server's reply.
- ``"500"``, ``"502"``, ``"504"`` (any 3-digit status): answer that status at once, nothing forwarded.
- ``"429:<s>"``, ``"503:<s>"``: that status with ``Retry-After: <s>`` (``"503"`` alone: no header).
- ``"timeout:<s>"``: hold the request ``s`` seconds (default 30) without answering, then close; nothing forwarded.
  ``"timeout-after-forward[:<s>]"``: the server processes it first, then the same.
- ``"reset"``: close the connection (TCP RST) without answering; ``"reset-after-forward"``: after forwarding.
- ``"truncate"``: forward, then answer only the first half of the JSON body (Content-Length says half).
- ``"401"``: an expired session: HTTP 401 with an empty body, nothing forwarded. Only applies to requests that
  carry an ``Authorization`` header (a 401 on a login means "bad password"); on others it is consumed as a pass.
"""

from __future__ import annotations

import http.client
import http.server
import json
import random
import socket
import struct
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

_HOP_HEADERS = {"host", "connection", "keep-alive", "content-length", "accept-encoding", "transfer-encoding",
                "proxy-connection", "te", "upgrade"}
_REPLY_HEADERS = ("Content-Type", "WWW-Authenticate", "Retry-After")


@dataclass
class Seen:
    """One request as the proxy saw it (headers as received, lower-case names)."""

    path: str
    rpc_method: str | None
    headers: dict[str, str]
    fault: str
    at: float = field(default_factory=time.monotonic)


class FaultProxy:
    def __init__(self, target_url: str, *, host: str = "127.0.0.1", port: int = 0) -> None:
        parts = urlsplit(target_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError("target_url must be http://host:port/")
        self.target_host = parts.hostname
        self.target_port = parts.port or 80
        self.target_prefix = parts.path.rstrip("/")
        self._host, self._port = host, port
        self._lock = threading.Lock()
        self._schedule: list[str] = []
        self._random: tuple[float, list[str], random.Random] | None = None
        self._release = threading.Event()
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.requests = 0
        self.forwarded = 0
        self.faults_injected = 0
        self.seen: list[Seen] = []
        self.upstream_timeout = 120.0
        self._conns: set[socket.socket] = set()

    # -- control ----------------------------------------------------------------------------------------------
    def start(self) -> str:
        if self._server is not None:
            raise RuntimeError("already started")
        self._release.clear()
        handler = type("_BoundHandler", (_Handler,), {"proxy": self})
        server = http.server.ThreadingHTTPServer((self._host, self._port), handler)
        server.daemon_threads = True
        self._server = server
        self._port = server.server_address[1]  # keep the port: a restart listens on the same one
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="faultproxy", daemon=True)
        self._thread.start()
        return self.url

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._port}/"

    @property
    def port(self) -> int:
        return self._port

    def stop(self) -> None:
        server, self._server = self._server, None
        self._release.set()  # let held "timeout" requests go
        if server is not None:
            server.shutdown()
            server.server_close()
        with self._lock:  # kept-alive client connections too: a stopped proxy is unreachable
            conns, self._conns = list(self._conns), set()
        for sock in conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FaultProxy:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def schedule(self, faults: Sequence[str]) -> None:
        """Faults for the next requests, consumed in order; afterwards requests pass (or follow random_faults)."""
        for f in faults:
            _parse(f)  # fail early on typos
        with self._lock:
            self._schedule = list(faults)

    def random_faults(self, rate: float, kinds: Sequence[str], seed: int | None = None) -> None:
        """Each request (after the schedule) gets a random fault of `kinds` with probability `rate`."""
        for f in kinds:
            _parse(f)
        with self._lock:
            self._random = (rate, list(kinds), random.Random(seed)) if rate > 0 and kinds else None

    def clear(self) -> None:
        with self._lock:
            self._schedule = []
            self._random = None

    def reset_counters(self) -> None:
        with self._lock:
            self.requests = self.forwarded = self.faults_injected = 0
            self.seen = []

    @property
    def pending(self) -> list[str]:
        with self._lock:
            return list(self._schedule)

    # -- used by the handler ----------------------------------------------------------------------------------
    def _next_fault(self, has_auth: bool) -> str:
        with self._lock:
            self.requests += 1
            if self._schedule:
                fault = self._schedule.pop(0)
            elif self._random is not None and self._random[2].random() < self._random[0]:
                fault = self._random[2].choice(self._random[1])
            else:
                fault = "pass"
            if fault == "401" and not has_auth:
                fault = "pass"
            if fault != "pass":
                self.faults_injected += 1
            return fault

    def _record(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)

    def _forward(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(self.target_host, self.target_port, timeout=self.upstream_timeout)
        try:
            out = {k: v for k, v in headers.items() if k.lower() not in _HOP_HEADERS}
            out["Content-Length"] = str(len(body))
            conn.request("POST", self.target_prefix + path, body=body, headers=out)
            resp = conn.getresponse()
            data = resp.read()
            reply = {h: resp.getheader(h) for h in _REPLY_HEADERS if resp.getheader(h) is not None}
            with self._lock:
                self.forwarded += 1
            return resp.status, reply, data  # type: ignore[return-value]
        finally:
            conn.close()


def _parse(fault: str) -> tuple[str, float | None]:
    name, _, arg = fault.partition(":")
    known = {"pass", "timeout", "timeout-after-forward", "reset", "reset-after-forward", "truncate"}
    if name not in known and not (len(name) == 3 and name.isdigit()):
        raise ValueError(f"unknown fault {fault!r}")
    return name, (float(arg) if arg else None)


class _Handler(http.server.BaseHTTPRequestHandler):
    proxy: FaultProxy
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        with self.proxy._lock:
            self.proxy._conns.add(self.connection)

    def finish(self) -> None:
        with self.proxy._lock:
            self.proxy._conns.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            rpc_method = json.loads(body).get("method")
        except (ValueError, AttributeError):
            rpc_method = None
        proxy = self.proxy
        fault = proxy._next_fault("authorization" in headers)
        proxy._record(Seen(self.path, rpc_method, headers, fault))
        name, arg = _parse(fault)

        if name in ("pass", "truncate") or name.endswith("-after-forward"):
            try:
                status, reply_headers, data = proxy._forward(self.path, body, headers)
            except OSError:
                self._answer(502, {}, b"")
                return
            if name == "pass":
                self._answer(status, reply_headers, data)
            elif name == "truncate":
                self._answer(status, reply_headers, data[: len(data) // 2])
            elif name == "reset-after-forward":
                self._reset()
            else:
                self._hold(arg)
            return
        if name == "timeout":
            self._hold(arg)
        elif name == "reset":
            self._reset()
        else:  # a bare status, with Retry-After for 429/503:<s>
            status = int(name)
            extra = {"Retry-After": f"{arg:g}"} if arg is not None else {}
            self._answer(status, extra, b"")

    def do_GET(self) -> None:  # noqa: N802
        self._answer(405, {}, b"")

    def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _hold(self, seconds: float | None) -> None:
        self.proxy._release.wait(30.0 if seconds is None else seconds)
        self.close_connection = True

    def _reset(self) -> None:
        # SO_LINGER 0: close() sends a TCP RST instead of a FIN
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass
