"""Where RepDesk keeps things on this machine (platformdirs; XDG variables honoured on Linux).

Tests point XDG_DATA_HOME / XDG_CONFIG_HOME / XDG_STATE_HOME at a temporary folder, so nothing here is cached.
"""

from __future__ import annotations

import os
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
    """System-wide configuration (IT's managed policy file)."""
    return Path(platformdirs.site_config_dir(APP_NAME, appauthor=False))


def default_workspace() -> Path:
    env = os.environ.get("REPDESK_WORKSPACE")
    if env:
        return Path(env).expanduser()
    return data_dir() / "workspace"
