"""`repdesk --self-test`: the core checks (desktop/selftest.py), then one paint of the real main window on Qt's
offscreen platform. Prints one line and exits 0 (all passed) or 1. Works the same frozen and from source."""

from __future__ import annotations

import os
import sys
import time


def paint_window(check) -> str:
    from PySide6.QtWidgets import QApplication

    from desktop.services.accounts import AccountService

    from . import ops, translations
    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(["repdesk"])
    translations.install("zh_CN")          # the catalogue ships in the bundle and loads
    service = AccountService(check.workspace.store)
    window = MainWindow(check.workspace, service)
    try:
        window.resize(1024, 700)
        window.show()
        deadline = time.monotonic() + 20          # the account ids arrive from the `read` worker
        while window.filter_applied_count == 0 and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        app.processEvents()
        image = window.grab().toImage()
        if image.isNull() or image.width() < 100:
            raise RuntimeError("the window did not paint")
        colours = {image.pixel(x, y) for x in range(0, image.width(), 16) for y in range(0, image.height(), 16)}
        if len(colours) < 4:
            raise RuntimeError(f"the window painted blank ({len(colours)} colours)")
        rows = window.model.rowCount()
        if rows < 1:
            raise RuntimeError("the accounts list is empty")
        if not any("\u4e00" <= ch <= "\u9fff" for ch in window.windowTitle()):
            raise RuntimeError("the Chinese catalogue did not load (ui/i18n/repdesk_zh_CN.qm missing?)")
        return (f"window {image.width()}×{image.height()} painted in zh_CN, {rows} accounts listed, "
                f"Qt {app.platformName()}")
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
        ops.shutdown()                            # the workers finish before the workspace closes
        translations.install("en")


def main(argv: list[str] | None = None) -> int:
    """``--platform NAME`` (e.g. xcb, wayland) paints through the real display stack instead of offscreen:
    IT runs it once in a rep's session to check the system's graphics libraries (the window shows briefly)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    platform = "offscreen"
    if "--platform" in argv:
        index = argv.index("--platform")
        platform = argv[index + 1] if index + 1 < len(argv) else ""
        if not platform or platform.startswith("-"):
            print("repdesk: --platform needs a Qt platform name (xcb, wayland, offscreen)", file=sys.stderr)
            return 2
    display = {"xcb": "DISPLAY", "wayland": "WAYLAND_DISPLAY"}.get(platform.split(":")[0])
    if display and not os.environ.get(display):
        # Qt would abort the process without a display: say it in one line instead
        print(f"RepDesk self-test FAILED at window: --platform {platform} needs a display (${display} is not set)",
              flush=True)
        return 1
    os.environ["QT_QPA_PLATFORM"] = platform     # by default a self-test never shows a window
    from desktop import logs
    from desktop.selftest import SelfTest

    logs.setup()
    check = SelfTest()
    try:
        if check.run_core():
            check.step("window", lambda: paint_window(check))
    finally:
        check.close()
    line = check.report()
    print(line, flush=True)
    return 1 if check.failed else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
