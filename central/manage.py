"""RepDesk's local central server: a real Tryton 8.2 on loopback, for development, tests and demos.

Standard library only; runs with any python >= 3.11. State lives in .cache/central/ (never in the repo):

    venv/                   the server's own virtual environment (trytond + modules + our `repdesk` module)
    trytond.conf            SQLite database path, loopback listen address
    db/repdesk.sqlite       the live database
    repdesk-init.sqlite     the database right after `init` (modules installed, no data)
    repdesk-seed.sqlite     the seeded snapshot (+ repdesk-seed.json: seed date, sizes, counts, record ids);
                            other sizes: repdesk-seed-<accounts>a[-<max orders>o].sqlite/.json
    credentials.json        admin and user passwords (mode 0600, random, generated here)
    trytond.pid / .log      the running server

Commands: install, init, seed [--accounts N] [--max-orders N], start [--port P], stop, status, snapshot, up.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STATE = Path(os.environ.get("REPDESK_CENTRAL_STATE", ROOT / ".cache" / "central"))
VENV = STATE / "venv"
VENV_PY = VENV / "bin" / "python"
CONF = STATE / "trytond.conf"
DB_DIR = STATE / "db"
DATABASE = "repdesk"
INIT_DB = STATE / "repdesk-init.sqlite"
SNAPSHOT = STATE / "repdesk-seed.sqlite"  # the default size; other sizes: snapshot_paths()
SNAPSHOT_META = STATE / "repdesk-seed.json"
LIVE_SOURCE = DB_DIR / "source.txt"  # which snapshot the live database was copied from
CREDENTIALS = STATE / "credentials.json"
PID_FILE = STATE / "trytond.pid"
LOG_FILE = STATE / "trytond.log"
INSTALL_STAMP = VENV / ".repdesk-installed"
INIT_STAMP = STATE / ".repdesk-init"
DEFAULT_PORT = 8000
DEFAULT_ACCOUNTS = 320
DEFAULT_SEED = 20261204
MODULES = [
    "party",
    "company",
    "currency",
    "country",
    "product",
    "stock",
    "sale",
    "sale_opportunity",
    "account",
    "repdesk",
]
USERS = ["rep.wang", "rep.li", "rep.zhang", "mgr.chen"]
PROJECT_PY = Path(os.environ.get("REPDESK_PYTHON", ROOT / ".venv" / "bin" / "python"))


class CentralError(Exception):
    """A failure worth one line on stderr (exit 1)."""


def log(msg: str) -> None:
    print(f"[central] {msg}", flush=True)


def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        files = (
            sorted(f for f in p.rglob("*") if f.is_file() and "__pycache__" not in f.parts)
            if p.is_dir()
            else [p]
        )
        for f in files:
            h.update(str(f.relative_to(HERE)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def install_digest() -> str:
    return _digest([HERE / "requirements.txt", HERE / "pyproject.toml"])


def module_digest() -> str:
    return _digest([HERE / "requirements.txt", HERE / "pyproject.toml", HERE / "repdesk_central"])


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-25:])
        raise CentralError(
            f"{Path(cmd[0]).name} {' '.join(cmd[1:3])} failed (exit {result.returncode}):\n{tail}"
        )
    return result


def _read_stamp(path: Path) -> str:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        return ""


# ----------------------------------------------------------------------------------------------------
def cmd_install(force: bool = False) -> bool:
    """Create the server venv and pip-install the pinned packages + our module; False if already done."""
    digest = install_digest()
    if not force and _read_stamp(INSTALL_STAMP) == digest and VENV_PY.exists():
        return False
    started = time.perf_counter()
    STATE.mkdir(parents=True, exist_ok=True)
    if not VENV_PY.exists():
        _run([sys.executable, "-m", "venv", str(VENV)])
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    _run([str(VENV_PY), "-m", "pip", "install", "-q", "-r", str(HERE / "requirements.txt")], env=env)
    # editable: module code changes need no reinstall (the init stamp still notices them)
    _run([str(VENV_PY), "-m", "pip", "install", "-q", "--no-deps", "-e", str(HERE)], env=env)
    INSTALL_STAMP.write_text(digest + "\n")
    log(f"installed the Tryton 8.2 server into {VENV} in {time.perf_counter() - started:.1f} s")
    return True


def write_config(path: Path, db_dir: Path, port: int) -> None:
    path.write_text(
        "# written by central/manage.py\n"
        "[database]\nuri = sqlite://\n"
        f"path = {db_dir}\n"
        "[web]\n"
        f"listen = 127.0.0.1:{port}\n"
        "[session]\n# tests log in many times from one address\nmax_attempt = 1000\n"
        "[password]\nlength = 8\n",
        encoding="utf-8",
    )


def _credentials() -> dict:
    try:
        return json.loads(CREDENTIALS.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def _save_credentials(creds: dict) -> None:
    STATE.mkdir(parents=True, exist_ok=True)
    fd = os.open(CREDENTIALS.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(creds, fh, indent=1)
    os.replace(CREDENTIALS.with_suffix(".tmp"), CREDENTIALS)
    os.chmod(CREDENTIALS, 0o600)


def cmd_init(force: bool = False) -> bool:
    """Create the SQLite database and install the modules with trytond-admin; False if already done."""
    cmd_install()
    digest = module_digest()
    if not force and _read_stamp(INIT_STAMP) == digest and INIT_DB.exists():
        return False
    _require_stopped()
    started = time.perf_counter()
    DB_DIR.mkdir(parents=True, exist_ok=True)
    write_config(CONF, DB_DIR, DEFAULT_PORT)
    db_file = DB_DIR / f"{DATABASE}.sqlite"
    db_file.unlink(missing_ok=True)
    db_file.touch()
    creds = _credentials()
    creds["admin_password"] = secrets.token_urlsafe(12)
    creds.setdefault("users", {})
    _save_credentials(creds)
    with tempfile.NamedTemporaryFile("w", dir=STATE, prefix=".passfile-", delete=False) as fh:
        os.chmod(fh.name, 0o600)
        fh.write(creds["admin_password"] + "\n")
        passfile = fh.name
    try:
        _run(
            [
                str(VENV / "bin" / "trytond-admin"),
                "-c",
                str(CONF),
                "-d",
                DATABASE,
                "-u",
                *MODULES,
                "--activate-dependencies",
                "--email",
                "admin@example.com",
            ],
            env={**os.environ, "TRYTONPASSFILE": passfile},
        )
    finally:
        os.unlink(passfile)
    shutil.copyfile(db_file, INIT_DB)
    for old in STATE.glob("repdesk-seed*"):  # a new schema invalidates every seeded snapshot
        old.unlink()
    INIT_STAMP.write_text(digest + "\n")
    log(f"initialised database {DATABASE!r} ({', '.join(MODULES)}) in {time.perf_counter() - started:.1f} s")
    return True


def snapshot_paths(accounts: int = DEFAULT_ACCOUNTS, max_orders: int | None = None) -> tuple[Path, Path]:
    """(database, metadata) of the seeded snapshot of one size."""
    if accounts == DEFAULT_ACCOUNTS and max_orders is None:
        return SNAPSHOT, SNAPSHOT_META
    stem = f"repdesk-seed-{accounts}a" + (f"-{max_orders}o" if max_orders is not None else "")
    return STATE / f"{stem}.sqlite", STATE / f"{stem}.json"


def snapshot_meta(accounts: int = DEFAULT_ACCOUNTS, max_orders: int | None = None) -> dict | None:
    try:
        return json.loads(snapshot_paths(accounts, max_orders)[1].read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def cmd_seed(
    accounts: int = DEFAULT_ACCOUNTS,
    max_orders: int | None = None,
    today: str | None = None,
    force: bool = False,
) -> bool:
    """Load the demo book of business and take the snapshot; False if a matching snapshot exists."""
    cmd_init()
    snapshot, snapshot_json = snapshot_paths(accounts, max_orders)
    meta = snapshot_meta(accounts, max_orders)
    if (
        not force
        and meta
        and snapshot.exists()
        and meta.get("module_digest") == module_digest()
        and (today is None or meta.get("today") == today)
    ):
        return False
    _require_stopped()
    if not PROJECT_PY.exists():
        raise CentralError(f"the project venv ({PROJECT_PY}) is missing: run `make` (or set REPDESK_PYTHON)")
    today = today or time.strftime("%Y-%m-%d")
    started = time.perf_counter()
    creds = _credentials()
    if not creds.get("users"):  # one set of passwords for every snapshot size
        creds["users"] = {login: secrets.token_urlsafe(12) for login in USERS}
        _save_credentials(creds)
    with tempfile.TemporaryDirectory(prefix="repdesk-seed-", dir=STATE) as tmp:
        data = Path(tmp) / "demo.json"
        cmd = [
            str(PROJECT_PY),
            str(HERE / "export_demo.py"),
            str(data),
            "--accounts",
            str(accounts),
            "--seed",
            str(DEFAULT_SEED),
            "--today",
            today,
        ]
        if max_orders is not None:
            cmd += ["--max-orders", str(max_orders)]
        _run(cmd, cwd=ROOT)
        exported = time.perf_counter()
        work_dir = Path(tmp) / "db"
        work_dir.mkdir()
        shutil.copyfile(INIT_DB, work_dir / f"{DATABASE}.sqlite")
        conf = Path(tmp) / "trytond.conf"
        write_config(conf, work_dir, DEFAULT_PORT)
        seed_meta = Path(tmp) / "seed.json"
        _run(
            [
                str(VENV_PY),
                str(HERE / "seed_tryton.py"),
                "--config",
                str(conf),
                "--database",
                DATABASE,
                "--data",
                str(data),
                "--credentials",
                str(CREDENTIALS),
                "--meta",
                str(seed_meta),
            ],
            cwd=ROOT,
        )
        result = json.loads(seed_meta.read_text(encoding="utf-8"))
        demo_meta = json.loads(data.read_text(encoding="utf-8"))["meta"]
        shutil.copyfile(work_dir / f"{DATABASE}.sqlite", snapshot.with_suffix(".tmp"))
        os.replace(snapshot.with_suffix(".tmp"), snapshot)
    meta = {
        "database": DATABASE,
        "tryton": "8.2",
        "seeded_on": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "today": today,
        "accounts": accounts,
        "max_orders": max_orders,
        "seed": DEFAULT_SEED,
        "demo_summary": demo_meta["demo_summary"],
        "counts": result["counts"],
        "seconds": {
            "export": round(exported - started, 2),
            "load": result["seconds"],
            "total": round(time.perf_counter() - started, 2),
        },
        "load_timings": result["timings"],
        "company": result["company"],
        "ids": result["ids"],
        "modules": MODULES,
        "module_digest": module_digest(),
    }
    snapshot_json.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    restore_snapshot(snapshot=snapshot)
    c = result["counts"]
    log(
        f"seeded {c['parties']} parties, {c['sales']} sales / {c['sale_lines']} lines, {c['opportunities']} "
        f"opportunities, {c['activities']} activities in {meta['seconds']['total']:.1f} s "
        f"(export {meta['seconds']['export']:.1f} s); snapshot {snapshot}"
    )
    return True


def restore_snapshot(db_dir: Path = DB_DIR, snapshot: Path = SNAPSHOT) -> Path:
    """Copy a seeded snapshot over the database in db_dir (its server must be stopped)."""
    if not snapshot.exists():
        raise CentralError(f"no seeded snapshot {snapshot.name} yet: run `manage.py seed`")
    db_dir.mkdir(parents=True, exist_ok=True)
    target = db_dir / f"{DATABASE}.sqlite"
    for suffix in ("-journal", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(snapshot, target)
    (db_dir / "source.txt").write_text(snapshot.name + "\n")
    return target


# ----------------------------------------------------------------------------------------------------
def rpc(url: str, method: str, params: list, timeout: float = 5.0):
    body = json.dumps({"id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        answer = json.loads(resp.read())
    if "error" in answer:
        raise CentralError(f"{method}: {answer['error']}")
    return answer["result"]


def wait_ready(port: int, proc: subprocess.Popen | None = None, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/rpc/"
    while True:
        if proc is not None and proc.poll() is not None:
            raise CentralError(f"trytond exited with {proc.returncode} while starting; see {LOG_FILE}")
        try:
            return rpc(url, "common.server.version", [], timeout=2.0)
        except (OSError, urllib.error.URLError, CentralError):
            if time.monotonic() > deadline:
                raise CentralError(f"trytond did not answer on port {port} within {timeout:.0f} s") from None
            time.sleep(0.1)


def spawn(conf: Path, log_file: Path, database: str = DATABASE) -> subprocess.Popen:
    """Start trytond (with -d: in 8.2.1 a server started without it fails every login)."""
    with open(log_file, "ab") as out:
        return subprocess.Popen(
            [str(VENV / "bin" / "trytond"), "-c", str(conf), "-d", database],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=str(STATE),
        )


def _pid() -> int | None:
    try:
        pid = int(PID_FILE.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return pid


def _port() -> int | None:
    try:
        return int(PID_FILE.read_text().split()[1])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def _require_stopped() -> None:
    if _pid() is not None:
        raise CentralError("the central server is running: `make central-stop` first")


def cmd_start(port: int = DEFAULT_PORT, snapshot: Path | None = None) -> None:
    pid = _pid()
    if pid is not None:
        log(f"already running (pid {pid}) on http://127.0.0.1:{_port()}/")
        return
    if snapshot is not None and _read_stamp(LIVE_SOURCE) != snapshot.name:
        restore_snapshot(snapshot=snapshot)  # `up` asked for another size than the live database has
    elif not (DB_DIR / f"{DATABASE}.sqlite").exists():
        restore_snapshot()
    write_config(CONF, DB_DIR, port)
    started = time.perf_counter()
    proc = spawn(CONF, LOG_FILE)
    PID_FILE.write_text(f"{proc.pid} {port}\n")
    try:
        version = wait_ready(port, proc)
    except CentralError:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        PID_FILE.unlink(missing_ok=True)
        raise
    log(f"Tryton {version} ready in {time.perf_counter() - started:.1f} s (pid {proc.pid})")


def stop_process(pid: int, timeout: float = 10.0) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    except PermissionError:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            # reap it if it is our child
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    return
            except ChildProcessError:
                pass
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.killpg(pid, signal.SIGKILL)


def cmd_stop() -> None:
    pid = _pid()
    if pid is None:
        log("not running")
    else:
        stop_process(pid)
        log(f"stopped (pid {pid})")
    PID_FILE.unlink(missing_ok=True)


def cmd_status(as_json: bool = False) -> int:
    pid, port = _pid(), _port()
    source = _read_stamp(LIVE_SOURCE)
    meta_file = STATE / source.replace(".sqlite", ".json") if source else SNAPSHOT_META
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        meta = {}
    status = {
        "installed": _read_stamp(INSTALL_STAMP) == install_digest(),
        "initialised": _read_stamp(INIT_STAMP) == module_digest() and INIT_DB.exists(),
        "seeded": bool(meta),
        "live_db_from": source or None,
        "running": pid is not None,
        "pid": pid,
        "url": f"http://127.0.0.1:{port}/" if pid else None,
        "database": DATABASE,
        "credentials": str(CREDENTIALS),
        "counts": meta.get("counts"),
        "today": meta.get("today"),
    }
    if pid is not None and port:
        try:
            status["version"] = rpc(f"http://127.0.0.1:{port}/rpc/", "common.server.version", [], timeout=2.0)
        except (OSError, CentralError) as exc:
            status["version"] = None
            status["error"] = str(exc)
    if as_json:
        print(json.dumps(status, ensure_ascii=False, indent=1))
    else:
        for key, value in status.items():
            print(f"{key:12} {value}")
    return 0 if status["running"] else 3


def cmd_snapshot(
    restore: bool = False, accounts: int = DEFAULT_ACCOUNTS, max_orders: int | None = None
) -> None:
    """Print where a seeded snapshot is (JSON); --restore resets the live database from it."""
    snapshot, snapshot_json = snapshot_paths(accounts, max_orders)
    if restore:
        _require_stopped()
        restore_snapshot(snapshot=snapshot)
        log(f"live database reset from {snapshot}")
        return
    meta = snapshot_meta(accounts, max_orders)
    if meta is None or not snapshot.exists():
        raise CentralError(f"no seeded snapshot {snapshot.name} yet: run `manage.py seed`")
    print(
        json.dumps(
            {
                "snapshot": str(snapshot),
                "meta": str(snapshot_json),
                "database": DATABASE,
                "venv": str(VENV),
                "credentials": str(CREDENTIALS),
                "today": meta["today"],
                "counts": meta["counts"],
            },
            ensure_ascii=False,
        )
    )


def cmd_up(port: int, accounts: int, max_orders: int | None) -> None:
    started = time.perf_counter()
    cmd_install()
    cmd_init()
    cmd_seed(accounts, max_orders)
    if _pid() is not None and _read_stamp(LIVE_SOURCE) != snapshot_paths(accounts, max_orders)[0].name:
        raise CentralError("the running server holds another snapshot size: `make central-stop` first")
    cmd_start(port, snapshot_paths(accounts, max_orders)[0])
    pid_port = _port() or port
    log(
        f"central Tryton server: http://127.0.0.1:{pid_port}/  database: {DATABASE}  "
        f"(up in {time.perf_counter() - started:.1f} s)"
    )
    log(f"logins rep.wang, rep.li, rep.zhang (reps), mgr.chen (manager), admin; passwords in {CREDENTIALS}")
    log("stop it with `make central-stop`")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="central/manage.py", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("install", help="create the server venv (pinned Tryton 8.2 + our module)")
    p.add_argument("--force", action="store_true")
    p = sub.add_parser("init", help="create the database and install the modules (trytond-admin)")
    p.add_argument("--force", action="store_true")
    for name in ("seed", "up"):
        p = sub.add_parser(
            name,
            help="load the demo book of business"
            if name == "seed"
            else "install + init + seed if needed, then start",
        )
        p.add_argument("--accounts", type=int, default=DEFAULT_ACCOUNTS)
        p.add_argument("--max-orders", type=int, default=None, help="keep only the newest N orders")
        if name == "seed":
            p.add_argument("--today", default=None, help="demo date (default: today)")
            p.add_argument("--force", action="store_true")
        else:
            p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p = sub.add_parser("start", help="start the server on 127.0.0.1")
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    sub.add_parser("stop", help="stop the server")
    p = sub.add_parser("status", help="what is installed / seeded / running")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser(
        "snapshot", help="print the seeded snapshot's location (JSON); --restore resets the db"
    )
    p.add_argument("--restore", action="store_true")
    p.add_argument("--accounts", type=int, default=DEFAULT_ACCOUNTS)
    p.add_argument("--max-orders", type=int, default=None)
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            if not cmd_install(args.force):
                log(f"already installed ({VENV})")
        elif args.command == "init":
            if not cmd_init(args.force):
                log("already initialised")
        elif args.command == "seed":
            if not cmd_seed(args.accounts, args.max_orders, args.today, args.force):
                log(f"already seeded ({snapshot_paths(args.accounts, args.max_orders)[0]}); --force to redo")
        elif args.command == "up":
            cmd_up(args.port, args.accounts, args.max_orders)
        elif args.command == "start":
            cmd_start(args.port)
        elif args.command == "stop":
            cmd_stop()
        elif args.command == "status":
            return cmd_status(args.json)
        elif args.command == "snapshot":
            cmd_snapshot(args.restore, args.accounts, args.max_orders)
    except CentralError as exc:
        print(f"central: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
