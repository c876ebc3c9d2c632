"""Where RepDesk keeps things on this machine (platformdirs; XDG variables honoured on Linux).

Tests point XDG_DATA_HOME / XDG_CONFIG_HOME / XDG_STATE_HOME at a temporary folder, so nothing here is cached.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "RepDesk"


def data_dir() -> Path:
    """Per-user data: workspaces live here unless --workspace says otherwise."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Per-user configuration; the fallback key files live under it, apart from any database."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def site_config_dir() -> Path:
    """System-wide configuration: the folder of IT's managed policy file (see managed_policy_file)."""
    return managed_policy_file().parent


def managed_policy_file() -> Path:
    """Where IT's policy file lives. Fixed per OS, so a user's environment cannot move it elsewhere (platformdirs
    alone would follow $XDG_CONFIG_DIRS on Linux and macOS): /etc/xdg/RepDesk/policy.json,
    /Library/Application Support/RepDesk/policy.json, or ProgramData\\RepDesk\\policy.json on Windows (found with the
    known-folder API, not an environment variable)."""
    if sys.platform == "win32":    # pragma: no cover - not testable here
        # platformdirs.site_config_dir would honour WIN_PD_OVERRIDE_COMMON_APPDATA (a user's variable): ask Windows
        from platformdirs.windows import get_win_folder_via_ctypes

        return Path(get_win_folder_via_ctypes("CSIDL_COMMON_APPDATA")) / APP_NAME / "policy.json"
    if sys.platform == "darwin":
        return Path("/Library/Application Support") / APP_NAME / "policy.json"
    return Path("/etc/xdg") / APP_NAME / "policy.json"


def default_workspace() -> Path:
    env = os.environ.get("REPDESK_WORKSPACE")
    if env:
        return Path(env).expanduser()
    return data_dir() / "workspace"
