"""The real app (controller + window on a qasync loop) on a workspace connected to the real Tryton server: it
syncs on start, shows the rep's central accounts, syncs again on F5, and exits cleanly. Run in a subprocess, as
the app runs: its own QApplication and event loop, and a clean interpreter exit is part of what is checked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

APP = r"""
import asyncio, os, sys
from pathlib import Path
import keyring
from keyring.backends import fail
keyring.set_keyring(fail.Keyring())
from desktop.secrets import KeyStore
from PySide6.QtWidgets import QApplication
import qasync
from ui.controller import AppController

app = QApplication([])
loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)
ctl = AppController(Path(sys.argv[1]), KeyStore())
labels = []

async def drive():
    ctl.start()
    def seen(prefix, n):
        return sum(1 for t in labels if t.startswith(prefix)) >= n
    for _ in range(600):
        await asyncio.sleep(0.05)
        t = ctl.window.sync_label.text()
        if not labels or labels[-1] != t:
            labels.append(t)
        if seen("Synced", 1):
            break
    for _ in range(200):      # the list re-reads its ids on the `read` worker after the sync's changes arrive
        if ctl.window.model.rowCount() > 0:
            break
        await asyncio.sleep(0.05)
    print("ROWS", ctl.window.model.rowCount())
    ctl.window.sync_now.trigger()
    for _ in range(600):
        await asyncio.sleep(0.05)
        t = ctl.window.sync_label.text()
        if labels[-1] != t:
            labels.append(t)
        if seen("Synced", 2):
            break
    print("LABELS", "|".join(labels))
    app.quit()

with loop:
    loop.run_until_complete(drive())
ctl.shutdown()
print("EXIT OK", flush=True)
os._exit(0)     # as the app does (ui/app.py): skip interpreter finalization
"""


def test_connected_app_syncs_on_start_and_on_f5(fresh_tryton, tmp_path: Path, isolated_home: Path) -> None:
    import keyring
    from keyring.backends import fail

    from desktop.secrets import KeyStore
    from desktop.services import sync as sync_service
    from desktop.workspace import Workspace

    fresh_tryton.restore()
    keyring.set_keyring(fail.Keyring())          # key file: the app process must find the key
    password = fresh_tryton.users["rep.li"]
    os.environ["REPDESK_PASSWORD"] = password
    try:
        ws = Workspace.create(tmp_path / "li", KeyStore(), kind="central")
        sync_service.connect(ws, sync_service.CentralSettings("tryton", fresh_tryton.url, fresh_tryton.database,
                                                              "rep.li"), password)
        ws.close()
    finally:
        del os.environ["REPDESK_PASSWORD"]
    env = {**os.environ, "REPDESK_PASSWORD": password, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", APP, str(tmp_path / "li")], env=env, capture_output=True,
                         text=True, timeout=300, cwd=str(Path(__file__).resolve().parent.parent))
    assert out.returncode == 0, out.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if line.split(" ", 1)[0] in
                 ("ROWS", "LABELS", "EXIT"))
    assert int(lines["ROWS"]) > 50                                   # rep.li's book, from the central server
    labels = lines["LABELS"].split("|")
    assert labels[0].startswith("Syncing") and sum(t.startswith("Synced") for t in labels) == 2
    first, second = [t for t in labels if t.startswith("Synced")]
    assert int(first.split(" · ")[1].split(" in")[0]) > 1000 and " · 0 in, 0 out" in second   # F5: nothing new
    assert lines["EXIT"] == "OK" and "Fatal Python error" not in out.stderr
