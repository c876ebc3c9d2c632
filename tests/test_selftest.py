"""`repdesk --self-test` from source (the frozen one is tests/test_installer.py): the real store, encoder, chat
model and an offscreen window, in a subprocess like IT would run it; and what a broken model file does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import settings as st
from local_models.registry import BUNDLED


def run_self_test(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    tmp = tmp_path / "tmp"
    tmp.mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(tmp), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
               REPDESK_POLICY=str(tmp_path / "no-policy.json"))
    env.pop("QT_QPA_PLATFORM", None)           # the self-test chooses offscreen itself
    return subprocess.run([sys.executable, "-c", "from ui.app import main; main()", "--self-test", *extra],
                          env=env, capture_output=True, text=True, timeout=300)


def test_self_test_passes_in_one_line_and_leaves_nothing_behind(tmp_path: Path) -> None:
    proc = run_self_test(tmp_path)
    lines = proc.stdout.strip().splitlines()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith("RepDesk 0.1.0 self-test OK in ") and " frozen" not in line
    assert "portable" in line and "encrypted store (chacha20, schema" in line
    assert "model smollm2-135m" in line and " decoded (" in line        # the bundled chat model ran
    assert "→ 3 actions" in line and "window 1024×700 painted in zh_CN, 12 accounts listed, Qt offscreen" in line
    assert list((tmp_path / "tmp").iterdir()) == []          # the throwaway workspace is gone
    # and it never touched the rep's own workspace or keys
    data = Path(os.environ["XDG_DATA_HOME"])
    assert not (data / "RepDesk" / "workspace").exists()
    assert not (Path(os.environ["XDG_CONFIG_HOME"]) / "RepDesk" / "keys").exists()


def test_self_test_fails_in_one_line_on_a_damaged_model(tmp_path: Path) -> None:
    """The active model file changed on disk after it was registered: exit 1, the step and the reason named."""
    source = BUNDLED[0].locate()
    if source is None:
        pytest.skip("the bundled model package is not installed")
    copy = tmp_path / "models" / "smollm2-copy.gguf"
    copy.parent.mkdir()
    shutil.copyfile(source, copy)

    def flip(offset: int) -> None:
        with open(copy, "r+b") as fh:
            fh.seek(offset)
            byte = fh.read(1)
            fh.seek(offset)
            fh.write(bytes([byte[0] ^ 0xFF]))

    size = copy.stat().st_size
    flip(size - 1000)                       # tensor data: still a valid GGUF, a new checksum
    entry = st.add_model(copy)
    st.use_model(entry.id)
    flip(size - 2000)                       # then damaged after registration

    proc = run_self_test(tmp_path)
    line = proc.stdout.strip().splitlines()[-1]
    assert proc.returncode == 1
    assert line.startswith("RepDesk 0.1.0 self-test FAILED at models: ")
    assert "checksum mismatch" in line and "[passed: llama.cpp" in line and "encrypted store" in line
    assert "Traceback" not in proc.stdout + proc.stderr
    assert list((tmp_path / "tmp").iterdir()) == []


def test_self_test_platform_needs_a_name_and_a_display(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proc = run_self_test(tmp_path, "--platform")
    assert proc.returncode == 2 and "--platform needs a Qt platform name" in proc.stderr
    monkeypatch.delenv("DISPLAY", raising=False)
    proc = run_self_test(tmp_path, "--platform", "xcb")           # Qt would abort: one line instead
    assert proc.returncode == 1
    assert proc.stdout.strip() == ("RepDesk self-test FAILED at window: --platform xcb needs a display ($DISPLAY "
                                   "is not set)")
    assert list((tmp_path / "tmp").iterdir()) == []
