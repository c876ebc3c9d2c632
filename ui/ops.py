"""The op builder (Anki's CollectionOp/QueryOp): run core work off the UI thread, then come back to it.

    op(parent=self, fn=lambda: service.add_activity(...)).success(self.on_saved).run()

While it runs the initiating widget is disabled and a busy cursor shown; an exception goes to the one error
reporter (unless ``.failure`` handles it); a returned :class:`Changes` is broadcast on ``changes_applied``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.changes import Changes
from desktop.errors import RepDeskError
from desktop.tasks import TaskManager

log = logging.getLogger(__name__)


class AppSignals(QObject):
    """App-wide events. Views connect to these and decide what to redraw."""

    changes_applied = Signal(object)      # Changes
    error_reported = Signal(str)


_signals: AppSignals | None = None
_tasks: TaskManager | None = None
_running: set[Op] = set()


def signals() -> AppSignals:
    global _signals
    if _signals is None:
        _signals = AppSignals()
    return _signals


def tasks() -> TaskManager:
    global _tasks
    if _tasks is None:
        _tasks = TaskManager()
    return _tasks


def shutdown() -> None:
    global _tasks
    if _tasks is not None:
        _tasks.shutdown(wait=True)
        _tasks = None


class _Relay(QObject):
    finished = Signal(object, object)     # result, exception — emitted on a worker thread, delivered queued


class Op:
    def __init__(self, parent: QWidget | None, fn: Callable[[], Any], executor: str = "db") -> None:
        self._parent = parent
        self._fn = fn
        self._executor = executor
        self._on_success: Callable[[Any], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._busy_cursor = True
        self._disable: QWidget | None = None
        self._relay = _Relay()
        self._relay.finished.connect(self._finish, Qt.ConnectionType.QueuedConnection)

    def success(self, cb: Callable[[Any], None]) -> Op:
        self._on_success = cb
        return self

    def failure(self, cb: Callable[[BaseException], None]) -> Op:
        self._on_failure = cb
        return self

    def disabling(self, widget: QWidget | None) -> Op:
        self._disable = widget
        return self

    def quiet(self) -> Op:
        """No busy cursor (for frequent background reads like search-as-you-type)."""
        self._busy_cursor = False
        return self

    def run(self) -> Future:
        _running.add(self)
        if self._disable is not None:
            self._disable.setEnabled(False)
        if self._busy_cursor:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        future = tasks().submit(self._executor, self._fn)
        future.add_done_callback(self._done_on_worker)
        return future

    def _done_on_worker(self, future: Future) -> None:
        try:
            result, exc = future.result(), None
        except BaseException as err:  # delivered to the UI thread below
            result, exc = None, err
        self._relay.finished.emit(result, exc)

    def _finish(self, result: Any, exc: BaseException | None) -> None:
        try:
            if self._busy_cursor:
                QApplication.restoreOverrideCursor()
            if self._parent is not None and not shiboken6.isValid(self._parent):
                return                    # the view that asked is gone (window rebuilt or closed): drop it
            if self._disable is not None and shiboken6.isValid(self._disable):
                self._disable.setEnabled(True)
            if exc is not None:
                if self._on_failure is not None:
                    self._on_failure(exc)
                else:
                    report_error(self._parent, exc)
                return
            if self._on_success is not None:
                self._on_success(result)
            if isinstance(result, Changes) and result.any():
                signals().changes_applied.emit(result)
        finally:
            _running.discard(self)


def op(parent: QWidget | None, fn: Callable[[], Any], executor: str = "db") -> Op:
    return Op(parent, fn, executor)


_error_box: QMessageBox | None = None


def report_error(parent: QWidget | None, exc: BaseException) -> None:
    """One non-modal error message; a bug is logged with its traceback, the user sees one line."""
    global _error_box
    if isinstance(exc, RepDeskError):
        text = str(exc)
    else:
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
        text = QApplication.translate("ops", "Something went wrong: %1").replace("%1", f"{type(exc).__name__}: {exc}")
    signals().error_reported.emit(text)
    if _error_box is None:
        _error_box = QMessageBox(QMessageBox.Icon.Warning, QApplication.translate("ops", "RepDesk"), text,
                                 QMessageBox.StandardButton.Ok)
        _error_box.setWindowModality(Qt.WindowModality.NonModal)
    else:
        _error_box.setText(text)
    _error_box.show()
