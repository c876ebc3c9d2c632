"""UI benchmarks: cold start to the first painted main window (vs a bare PySide6 window in the same run) and peak
RSS, on a demo workspace of N accounts (default 100,000). Each start is a fresh process, as a rep would start it.

    make bench-ui
    python bench/bench_ui.py --accounts 100000 --runs 3

Prints figures and ratios; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, resource, sys, time
t0 = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
mode, ws_path = sys.argv[1], sys.argv[2]
app = QApplication([])
painted = {}

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "t" not in painted:
            painted["t"] = time.perf_counter() - t0
            QTimer.singleShot(0, app.quit)
        return False

if mode == "bare":
    win = QMainWindow()
    win.setCentralWidget(QLabel("hello"))
    win.resize(1280, 800)
else:
    import keyring
    from keyring.backends import fail
    keyring.set_keyring(fail.Keyring())
    from desktop.secrets import KeyStore
    from desktop.services.accounts import AccountService
    from desktop.workspace import Workspace
    from ui.main_window import MainWindow
    ws = Workspace.open(ws_path, KeyStore())
    win = MainWindow(ws, AccountService(ws.store, ws.store.reader()))
flt = FirstPaint()
win.installEventFilter(flt)
win.show()
app.exec()
if mode != "bare":
    # let the first page of the list load, then report memory at rest
    from PySide6.QtCore import QEventLoop
    end = time.perf_counter() + 2.0
    while time.perf_counter() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"first_paint_s": painted.get("t"), "peak_rss": rss}))
"""


def run(mode: str, ws: Path, env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(ws)], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workspace", type=Path, help="reuse a demo workspace (its key file beside it in keys/)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="repdesk-bench-ui-") as tmp:
        home = Path(tmp) / "home"
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(home / "data"),
               "XDG_STATE_HOME": str(home / "state"), "PYTHONPATH": str(ROOT)}
        if args.workspace is None:          # a reused workspace keeps its key file in the caller's config folder
            env["XDG_CONFIG_HOME"] = str(home / "config")
        ws = args.workspace or Path(tmp) / "ws"
        if not (ws / "workspace.json").exists():
            t0 = time.perf_counter()
            gen = subprocess.run([sys.executable, "-c", "import keyring; from keyring.backends import fail; "
                                  "keyring.set_keyring(fail.Keyring()); from desktop.cli import main; "
                                  f"raise SystemExit(main(['demo', '--path', {str(ws)!r}, '--accounts', "
                                  f"'{args.accounts}']))"], env=env, cwd=ROOT, capture_output=True, text=True)
            if gen.returncode != 0:
                raise SystemExit(gen.stderr[-2000:])
            print(f"demo workspace with {args.accounts:,} accounts generated in {time.perf_counter() - t0:.0f} s")
        bare = [run("bare", ws, env) for _ in range(args.runs)]
        ours = [run("repdesk", ws, env) for _ in range(args.runs)]
    b = statistics.median(r["first_paint_s"] for r in bare)
    o = statistics.median(r["first_paint_s"] for r in ours)
    print(f"cold start to first painted window (median of {args.runs}, process start excluded):")
    print(f"  bare PySide6 window      {b * 1000:7.0f} ms")
    print(f"  RepDesk main window      {o * 1000:7.0f} ms   ({args.accounts:,} accounts)   ratio {o / b:.1f}×")
    print(f"peak RSS: bare {max(r['peak_rss'] for r in bare) / 2**20:.0f} MiB, "
          f"RepDesk {max(r['peak_rss'] for r in ours) / 2**20:.0f} MiB (list loaded, 2 s after first paint)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
