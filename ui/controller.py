"""Start-up and shut-down: open (or, on first use, create) the workspace, show the main window."""

from __future__ import annotations

import asyncio
import datetime as _dt
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from desktop import demo, paths
from desktop.errors import RepDeskError
from desktop.secrets import KeyStore
from desktop.services.accounts import AccountService
from desktop.services.sync import SyncScheduler, load_contract, run_sync
from desktop.workspace import Workspace

from . import ops
from .main_window import MainWindow

log = logging.getLogger(__name__)


class AppController(QObject):
    def __init__(self, workspace_path: Path | None, keys: KeyStore | None = None) -> None:
        super().__init__()
        self.path = (workspace_path or paths.default_workspace()).expanduser()
        self.keys = keys or KeyStore()
        self.workspace: Workspace | None = None
        self.window: MainWindow | None = None
        self.exit_code = 0
        self._reader = None
        self._progress: QProgressDialog | None = None
        self.scheduler: SyncScheduler | None = None

    def start(self) -> None:
        if Workspace.exists(self.path):
            self._open()
        else:
            self._create_demo()

    # -- first use: the embedded demo workspace -------------------------------------------------------
    def _create_demo(self) -> None:
        self._progress = QProgressDialog(self.tr("Creating the demo workspace…"), "", 0, 0)
        self._progress.setCancelButton(None)
        self._progress.setWindowTitle("RepDesk")
        self._progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        self._progress.setMinimumDuration(0)
        self._progress.show()

        def work() -> None:
            ws = Workspace.create(self.path, self.keys, kind="demo")
            try:
                demo.generate(ws.store.conn, today=_dt.date.today())
            finally:
                ws.close()

        ops.op(None, work).success(lambda _r: self._demo_ready()).failure(self._fatal).run()

    def _demo_ready(self) -> None:
        if self._progress is not None:
            self._progress.close()
            self._progress = None
        self._open()

    # -- normal start ---------------------------------------------------------------------------------
    def _open(self) -> None:
        try:
            self.workspace = Workspace.open(self.path, self.keys)
            self._reader = self.workspace.store.reader()
        except RepDeskError as exc:
            self._fatal(exc)
            return
        self.window = MainWindow(self.workspace, AccountService(self.workspace.store, self._reader))
        self.window.show()
        QApplication.instance().aboutToQuit.connect(self.shutdown)
        self._warn_key_file_once()
        self._start_sync()

    def _start_sync(self) -> None:
        """A connected workspace syncs on start, every N minutes, on F5 and when the server is back."""
        ws = self.workspace
        if ws is None or self.window is None or not ws.info.settings.get("central"):
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:          # no qasync loop (tests drive the window directly)
            return
        try:
            load_contract()           # an invalid data contract is a clear error at start-up, not mid-sync
        except RepDeskError as exc:
            self.window.sync_label.setText(self.tr("Sync disabled: %1").replace("%1", str(exc)))
            return

        def run_local(fn, *args):
            # store writes go to the `db` worker, the one thread that writes (awaited from the sync thread's loop)
            return asyncio.wrap_future(ops.tasks().submit("db", fn, *args))

        async def threaded(ws, on_progress, run_local, **kwargs):
            """The network side runs on the `sync` worker in its own asyncio loop (httpx under qasync crashed
            the interpreter at exit in our smoke test); progress comes back to the UI thread."""
            ui_loop = asyncio.get_running_loop()

            def progress(p) -> None:
                ui_loop.call_soon_threadsafe(on_progress, p)

            future = ops.tasks().submit("sync", lambda: asyncio.run(
                run_sync(ws, on_progress=progress, run_local=run_local, **kwargs)))
            return await asyncio.wrap_future(future)

        self.scheduler = SyncScheduler(ws, self.window.on_sync_event, run_local=run_local, runner=threaded)
        self.window.sync_now.triggered.connect(self.scheduler.request)
        self.scheduler.start()

    def _warn_key_file_once(self) -> None:
        ws = self.workspace
        if ws is None or ws.key_location.kind != "file" or ws.info.settings.get("key_file_warned"):
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "RepDesk", self.tr(
            "This computer has no usable system keyring, so the key that encrypts your data is stored in a "
            "file readable only by you:\n%1\n\nKeep this computer's login protected. This message is shown once."
        ).replace("%1", str(ws.key_location.path)), QMessageBox.StandardButton.Ok, self.window)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.show()
        ws.info.settings["key_file_warned"] = True
        ws.save_info()

    def _fatal(self, exc: BaseException) -> None:
        if self._progress is not None:
            self._progress.close()
        log.error("cannot start: %s", exc, exc_info=not isinstance(exc, RepDeskError))
        QMessageBox.critical(None, "RepDesk", self.tr("RepDesk cannot open the workspace:\n%1").replace(
            "%1", str(exc)))
        self.exit_code = 1
        QTimer.singleShot(0, QApplication.quit)  # after the event loop has started

    def shutdown(self) -> None:
        if self.scheduler is not None:
            self.scheduler._stopped = True      # the loop is ending: no new run starts
            self.scheduler = None
        ops.shutdown()
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self.workspace is not None:
            self.workspace.close()
            self.workspace = None
