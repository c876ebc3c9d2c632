"""Render the main window on a fresh demo workspace and save a PNG (for docs/). Usage:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshot.py docs/screenshot-accounts.png [SEARCH]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import keyring
from PySide6.QtWidgets import QApplication

from desktop import demo
from desktop.secrets import KeyStore, MemoryKeyring
from desktop.services.accounts import AccountService
from desktop.workspace import Workspace
from ui import ops
from ui.main_window import MainWindow


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot-accounts.png")
    search = sys.argv[2] if len(sys.argv) > 2 else ""
    app = QApplication(["repdesk"])
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.create(Path(tmp) / "ws", KeyStore(config_dir=Path(tmp) / "keys"), kind="demo")
        demo.generate(ws.store.conn)
        reader = ws.store.reader()
        win = MainWindow(ws, AccountService(ws.store, reader))
        win.resize(1440, 860)
        win.show()
        if search:
            win.search_box.setText(search)
        target = 2 if search else 1  # the constructor applies the empty filter first
        while win.filter_applied_count < target:
            app.processEvents()
        win.table.selectRow(2)
        for _ in range(20):
            app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        win.grab().save(str(out))
        print(f"wrote {out}")
        ops.shutdown()
        reader.close()
        ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
