"""Errors the core raises for conditions a user can act on.

Each carries a stable ``code`` (for the UI to translate and for tests to match) and a one-line English message
(for the CLI and logs). Anything else escaping the core is a bug.
"""

from __future__ import annotations


class RepDeskError(Exception):
    """Base class: a condition with a clear, one-line explanation."""

    code = "error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class WorkspaceNotFound(RepDeskError):
    code = "workspace_not_found"


class WorkspaceExists(RepDeskError):
    code = "workspace_exists"


class DatabaseUnreadable(RepDeskError):
    """The file is not a database we can read: damaged, not SQLite, or encrypted with another key."""

    code = "database_unreadable"


class KeyMissing(RepDeskError):
    """The workspace exists but its key is in neither the keyring nor the fallback key file."""

    code = "key_missing"


class SchemaTooNew(RepDeskError):
    """The database was written by a newer RepDesk; we refuse to touch it."""

    code = "schema_too_new"


class MigrationFailed(RepDeskError):
    code = "migration_failed"


class NotFound(RepDeskError):
    code = "not_found"


class InvalidInput(RepDeskError):
    code = "invalid_input"


class DiskFull(RepDeskError):
    code = "disk_full"


class CentralUnavailable(RepDeskError):
    """The central system cannot be reached; local changes stay queued."""

    code = "central_unavailable"


class CentralRefused(RepDeskError):
    """The central system answered but refused (wrong password, no access, bad configuration)."""

    code = "central_refused"


class NotConnected(RepDeskError):
    code = "not_connected"


class SyncBusy(RepDeskError):
    code = "sync_busy"
