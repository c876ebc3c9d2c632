"""The one-way import rule (DESIGN.md §1) is enforced by import-linter, and a violation really fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGES = ("desktop", "ui", "local_models", "sync")
LINT = str(Path(sys.executable).parent / "lint-imports")


def _copy_project(dest: Path) -> Path:
    for pkg in PACKAGES:
        shutil.copytree(REPO / pkg, dest / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", dest / "pyproject.toml")
    return dest


def _lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([LINT, "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_contracts_hold_on_the_real_code() -> None:
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("sync/leak.py", "import desktop.store\n", "One-way layers"),
        ("local_models/leak.py", "from sync import __doc__\n", "One-way layers"),
        ("desktop/leak.py", "import PySide6.QtCore\n", "Only ui imports Qt"),
        ("ui/leak.py", "import apsw\n", "Only desktop imports apsw and keyring"),
        ("desktop/leak.py", "import httpx\n", "Only sync imports httpx"),
        ("sync/leak.py", "import llama_cpp\n", "Only local_models imports llama_cpp"),
    ],
)
def test_a_violating_import_fails_the_check(tmp_path: Path, module: str, line: str, contract: str) -> None:
    root = _copy_project(tmp_path)
    (root / module).write_text("from __future__ import annotations\n\n" + line)
    result = _lint(root)
    assert result.returncode != 0
    broken = [ln for ln in result.stdout.splitlines() if "BROKEN" in ln]
    assert any(contract in ln for ln in broken), result.stdout
