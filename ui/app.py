"""The `repdesk` entry point (like Anki's aqt): subcommands go to desktop.cli before any Qt import, so the CLI
runs headless; a bare `repdesk [--workspace PATH]` opens the window."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--self-test" in argv:                # the installation check IT runs after deploying (frozen or not)
        from .selftest import main as self_test

        sys.exit(self_test(argv))
    from desktop.cli import is_cli
    from desktop.cli import main as cli_main

    if is_cli(argv):
        sys.exit(cli_main(argv))
    sys.exit(run_gui(argv))


def _gui_args(argv: list[str]) -> tuple[Path | None, list[Path]]:
    """The workspace, and the .eml files to import (`repdesk mail.eml`: the desktop's "Open with RepDesk")."""
    import argparse

    parser = argparse.ArgumentParser(prog="repdesk", add_help=False)
    parser.add_argument("--workspace", type=Path)
    args, unknown = parser.parse_known_args(argv)
    files = [Path(a) for a in unknown if not a.startswith("-") and a.lower().endswith(".eml")]
    return args.workspace, files


def run_gui(argv: list[str]) -> int:
    import asyncio

    import qasync
    from PySide6.QtWidgets import QApplication

    from desktop import logs

    logs.setup()
    workspace_path, open_files = _gui_args(argv)
    app = QApplication.instance() or QApplication(["repdesk", *argv])
    app.setApplicationName("RepDesk")
    app.setOrganizationName("RepDesk")
    app.setApplicationDisplayName("RepDesk")
    app.setDesktopFileName("com.repdesk.RepDesk")     # matches the installed .desktop entry (Wayland, docks)
    from importlib import resources

    from PySide6.QtGui import QIcon

    app.setWindowIcon(QIcon(str(resources.files("ui").joinpath("assets", "repdesk.svg"))))
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    closing = asyncio.Event()
    app.aboutToQuit.connect(closing.set)

    from .controller import AppController

    controller = AppController(workspace_path, open_files=open_files)
    controller.start()
    with loop:
        loop.run_until_complete(closing.wait())
    controller.shutdown()                 # idempotent: workers joined, models freed, workspace closed
    code = controller.exit_code
    # Everything is saved and closed at this point. Skip the interpreter's final garbage collection: with
    # PySide6 + qasync + llama.cpp objects it hit a C-extension refcount bug ("bool_dealloc") at exit on 3.11.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
