"""Screenshots of the real app for the README: Inbox (a message with its suggestions and a streamed draft), Accounts
(360 open), Sync, Settings and the conflict dialog, on a fresh demo workspace with the real models.

    make screenshots                       # under Xvfb when available, else offscreen; writes docs/screenshots/
    python tools/screenshots.py OUT_DIR [--lang zh_CN|en]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import keyring


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path, nargs="?", default=Path("docs/screenshots"))
    ap.add_argument("--lang", default="en")
    args = ap.parse_args(argv)
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="repdesk-shots-"))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):   # never touch the user's own settings
        os.environ[var] = str(tmp / var.lower())

    import qasync
    from PySide6.QtWidgets import QApplication

    from desktop import demo
    from desktop.secrets import KeyStore, MemoryKeyring
    from desktop.settings import save_settings
    from desktop.store import now_iso
    from desktop.workspace import Workspace
    from ui.conflict_dialog import ConflictDialog
    from ui.controller import AppController

    keyring.set_keyring(MemoryKeyring())
    save_settings({"language": args.lang})
    ws = Workspace.create(tmp / "ws", KeyStore(), kind="demo")
    demo.generate(ws.store.conn)
    opp = ws.store.conn.execute("SELECT id, title FROM opportunities WHERE stage = 'proposal' LIMIT 1").fetchone()
    now = now_iso()
    # a conflict as a sync leaves it: the rep moved the stage offline while the back office closed it as lost
    ws.store.run(lambda conn: conn.execute(
        "INSERT INTO sync_conflicts(entity, local_id, field, base_value, local_value, central_value, rule, state, "
        "created_at) VALUES ('opportunity', ?, 'stage', ?, ?, ?, 'ask', 'open', ?), "
        "('opportunity', ?, 'amount_cents', '1200000', '1500000', '1350000', 'ask', 'open', ?)",
        (opp[0], json.dumps("proposal"), json.dumps("negotiation"), json.dumps("lost"), now, opp[0], now)))
    ws.close()

    app = QApplication(["repdesk"])
    app.setOrganizationName("RepDesk")
    app.setApplicationName("RepDesk")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    ctl = AppController(tmp / "ws", KeyStore())
    written: list[str] = []

    def shot(widget, name: str) -> None:
        path = args.out / f"{name}.png"
        widget.grab().save(str(path))
        written.append(str(path))

    async def wait_for(cond, seconds: float = 120.0) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if cond():
                return True
            await asyncio.sleep(0.1)
        return False

    async def drive() -> None:
        ctl.start()
        await wait_for(lambda: ctl.window is not None)
        win = ctl.window
        win.resize(1440, 900)
        inbox = win.view("inbox")
        await wait_for(lambda: inbox.model.rowCount() > 0)
        shown: list[int] = []
        inbox.suggestions_shown.connect(shown.append)
        inbox.table.selectRow(1)
        await wait_for(lambda: bool(shown), 180)
        draft_done: list[str] = []
        if hasattr(inbox, "draft_finished"):
            inbox.draft_finished.connect(lambda *a: draft_done.append("x"))
        if getattr(inbox, "draft_button", None) is not None and inbox.draft_button.isEnabled():
            inbox.draft_button.click()
            await wait_for(lambda: bool(draft_done), 120)
        await asyncio.sleep(0.5)
        shot(win, "inbox")
        win.show_view("accounts")
        await wait_for(lambda: win.filter_applied_count >= 1)
        win.table.selectRow(3)
        await asyncio.sleep(0.8)
        shot(win, "accounts")
        win.show_view("sync")
        await asyncio.sleep(1.5)
        shot(win, "sync")
        win.show_view("settings")
        await asyncio.sleep(1.5)
        shot(win, "settings")
        from desktop.services import sync as sync_service

        conflicts = [c for c in sync_service.list_conflicts(ctl.workspace) if c["local_id"] == opp[0]]
        dialog = ConflictDialog(ctl.workspace, conflicts, opp[1], win)
        dialog.show()
        await asyncio.sleep(0.5)
        shot(dialog, "conflict-dialog")
        dialog.close()
        app.quit()

    with loop:
        loop.run_until_complete(drive())
    ctl.shutdown()
    print("\n".join(f"wrote {p}" for p in written), flush=True)
    os._exit(0 if len(written) == 5 else 1)     # as the app does (ui/app.py): skip interpreter finalization


if __name__ == "__main__":
    sys.exit(main())
