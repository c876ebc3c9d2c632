"""Start-up and shut-down: open (or, on first use, create) the workspace, show the main window."""

from __future__ import annotations

import asyncio
import datetime as _dt
import logging
from concurrent.futures import Future
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QSystemTrayIcon

from desktop import demo, paths
from desktop.assistant_wiring import ModelProblem, open_assistant
from desktop.errors import RepDeskError
from desktop.secrets import KeyStore
from desktop.services.accounts import AccountService
from desktop.services.inbox import InboxService, hot_leads
from desktop.services.sync import SyncScheduler, load_contract, run_sync
from desktop.settings import load_settings
from desktop.workspace import Workspace

from . import ops, translations
from .inbox import InboxView
from .main_window import MainWindow
from .settings_view import SettingsView
from .sync_view import SyncView

log = logging.getLogger(__name__)


class AppController(QObject):
    def __init__(self, workspace_path: Path | None, keys: KeyStore | None = None,
                 open_files: list[Path] | tuple[Path, ...] = ()) -> None:
        super().__init__()
        self._open_files = list(open_files)     # .eml files given on the command line, imported once
        self.path = (workspace_path or paths.default_workspace()).expanduser()
        self.keys = keys or KeyStore()
        self.workspace: Workspace | None = None
        self.window: MainWindow | None = None
        self.exit_code = 0
        self._reader = None
        self._progress: QProgressDialog | None = None
        self.scheduler: SyncScheduler | None = None
        self.sync_view: SyncView | None = None
        self._assistant_future: Future | None = None
        self._inbox_service: InboxService | None = None
        self._notified: set[int] = set()
        self._tray: QSystemTrayIcon | None = None

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
        self._build_window()
        QApplication.instance().aboutToQuit.connect(self.shutdown)
        self._warn_key_file_once()
        self._start_sync()

    # -- the window and its views -------------------------------------------------------------------------
    def _rep(self) -> str:
        ws = self.workspace
        return (ws.info.settings.get("central") or {}).get("login", "") if ws is not None else ""

    def _build_window(self) -> None:
        """(Re)build the main window in the current language: Inbox, Accounts, Sync, Settings."""
        ws = self.workspace
        assert ws is not None
        settings = load_settings(ws)
        translations.install(settings.values.language)
        window = MainWindow(ws, AccountService(ws.store, self._reader))
        if self._inbox_service is None:
            self._inbox_service = InboxService(ws.store, self._rep())
        inbox = InboxView(ws, self._inbox_service, self.assistant, window)
        inbox.messages_loaded.connect(lambda: self.on_inbox_loaded(inbox))
        if hasattr(inbox, "import_files"):
            window.files_dropped.connect(inbox.import_files)      # .eml dropped anywhere on the window
            if self._open_files:
                files, self._open_files = self._open_files, []
                QTimer.singleShot(0, lambda: inbox.import_files(files))
        window.add_view("inbox", inbox, window.view_title("inbox"), 0)
        for action in (getattr(inbox, "new_message_action", None), getattr(inbox, "accept_top_action", None)):
            if action is not None:              # work from every view
                action.triggered.connect(lambda _c=False: window.show_view("inbox"))
                window.addAction(action)
        self.sync_view = SyncView(ws, window)
        window.add_view("sync", self.sync_view, window.view_title("sync"))
        settings_view = SettingsView(ws, window)
        window.add_view("settings", settings_view, window.view_title("settings"))
        settings_view.language_changed.connect(self.on_language_changed)
        settings_view.model_changed.connect(self.on_model_changed)
        if hasattr(settings_view, "central_connected"):
            settings_view.central_connected.connect(self._start_sync)
        if self.scheduler is not None:
            window.sync_now.triggered.connect(self.scheduler.request)
            self.sync_view.sync_requested.connect(self.scheduler.request)
            window.sync_now.setEnabled(True)
        window.show_view("inbox")
        window.restore_state()
        self.window = window
        window.show()

    def on_inbox_loaded(self, inbox) -> None:
        """Hot leads raise a tray notification (where the desktop has a tray), once per message."""
        items = list(getattr(inbox.model, "items", []) or [])
        first = not self._notified
        hot = hot_leads(items, self._notified)
        self._notified.update(i.id for i in items)
        if first or not hot or not QSystemTrayIcon.isSystemTrayAvailable():
            return                              # the start-up list is not news
        if self._tray is None:
            self._tray = QSystemTrayIcon(QApplication.windowIcon(), self)
            self._tray.messageClicked.connect(lambda: self.window and self.window.show_view("inbox"))
            self._tray.show()
        lead = hot[0]
        more = self.tr(" (+%1 more)").replace("%1", str(len(hot) - 1)) if len(hot) > 1 else ""
        self._tray.showMessage(self.tr("RepDesk: new lead") + more,
                               f"{lead.account_name or lead.sender}: {lead.preview}")

    def assistant(self) -> Future:
        """The on-device assistant, built once on the `llm` worker (encoder, pack, the rep's corrections, the
        active chat model); views wait on the future and stay usable meanwhile."""
        if self._assistant_future is None:
            ws = self.workspace
            settings = load_settings(ws).values
            self._assistant_future = ops.tasks().submit(
                "llm", lambda: open_assistant(ws.store, rep=self._rep(), with_llm=settings.drafts_enabled,
                                              n_threads=settings.llm_threads))
        return self._assistant_future

    def on_language_changed(self, _language: str) -> None:
        """Rebuild the window in the new language: no restart, nothing lost (edits are saved as they happen)."""
        old = self.window
        if old is None:
            return
        old.save_state()
        self._build_window()
        old.hide()
        old.deleteLater()

    def on_model_changed(self, entry_id: str) -> None:
        """Hot swap: the new model loads fully on the `llm` worker before the old one goes; on any error the
        previous model stays active and the rep sees one line."""
        future = self.assistant()

        def swap() -> str:
            from desktop.assistant_wiring import registry
            from local_models.runtime import LocalModel

            assistant = future.result()
            reg = registry()
            entry = reg.get(entry_id)
            if assistant.model is None:
                settings = load_settings(self.workspace).values
                assistant.model = LocalModel(n_threads=settings.llm_threads, n_ctx=settings.llm_context)
            previous = assistant.model.entry
            try:
                assistant.model.swap(entry, cancel_running=True)
            except Exception:
                if previous is not None:        # the registry already switched: point it back
                    reg.use(previous.id)
                raise
            return entry.name

        def done(name: str) -> None:
            if self.window is not None:
                self.window.statusBar().showMessage(self.tr("Model in use: %1").replace("%1", name), 8000)

        ops.op(self.window, swap, executor="llm").success(done).failure(
            lambda exc: ops.report_error(self.window, ModelProblem(str(exc)))).run()

    def _start_sync(self) -> None:
        """A connected workspace syncs on start, every N minutes, on F5 and when the server is back."""
        ws = self.workspace
        if ws is None or self.window is None or not ws.info.settings.get("central") or self.scheduler is not None:
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

        self.scheduler = SyncScheduler(ws, self.on_sync_event, run_local=run_local, runner=threaded)
        self.window.sync_now.triggered.connect(self.scheduler.request)
        self.sync_view.sync_requested.connect(self.scheduler.request)
        self.scheduler.start()

    def on_sync_event(self, event) -> None:
        if self.window is not None:
            self.window.on_sync_event(event)
        if self.sync_view is not None:
            self.sync_view.on_sync_event(event)

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
        if self.window is not None:
            self.window.save_state()
        if self._assistant_future is not None:
            future, self._assistant_future = self._assistant_future, None

            def close_assistant() -> None:
                try:
                    assistant = future.result()
                except BaseException:  # noqa: BLE001 - it never started; nothing to close
                    return
                if assistant.model is not None:
                    assistant.model.cancel()
                assistant.close()

            ops.tasks().submit("llm", close_assistant)
        ops.shutdown()
        if self._inbox_service is not None:
            self._inbox_service.close()
            self._inbox_service = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self.workspace is not None:
            self.workspace.close()
            self.workspace = None
