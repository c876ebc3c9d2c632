"""The README's screenshots come from the real app: this test renders Inbox (suggestions and a streamed draft),
Accounts (360 open), Sync, Settings and the conflict dialog into docs/screenshots/ — under Xvfb when it is
installed (a real X server and window system), offscreen otherwise — and checks each picture has real content."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from local_models.intents import default_encoder_path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots"


@pytest.mark.skipif(not default_encoder_path().exists(), reason="run `make models` first")
def test_screenshots_of_every_view(tmp_path: Path) -> None:
    cmd = [sys.executable, str(REPO / "tools" / "screenshots.py"), str(OUT)]
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    if shutil.which("xvfb-run"):
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", *cmd]
        env.pop("QT_QPA_PLATFORM", None)
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, cwd=REPO)
    assert out.returncode == 0, out.stderr[-3000:]
    for name in ("inbox", "accounts", "sync", "settings", "conflict-dialog"):
        image = QImage(str(OUT / f"{name}.png"))
        assert not image.isNull() and image.width() >= 400 and image.height() >= 120, name
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 5)}
        assert len(colours) > 20, f"{name}.png looks blank"
