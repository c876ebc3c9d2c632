"""Secrets: the database key (and, later, central-system passwords) in the OS keyring.

Where the machine has no usable keyring (a headless Linux box without a Secret Service), the database key falls
back to a key file with owner-only permissions under the user's config folder, apart from the database. The
fallback is never silent: :meth:`KeyStore.status` reports it, `repdesk doctor` prints it and the app warns once.
Secret values are never logged.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
from jaraco.classes import properties

from . import paths

SERVICE = "RepDesk"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A process-local keyring for tests and benchmarks, set explicitly with ``keyring.set_keyring``.

    keyring picks its default among *every* imported backend subclass; a plain ``priority`` would let this one be
    chosen on a machine without a real keyring, and keys kept in memory would be lost at exit. Raising from
    ``priority`` makes it non-viable, so it is never chosen automatically.
    """

    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805 - a class property
        raise RuntimeError("MemoryKeyring is never chosen automatically")

    def __init__(self) -> None:
        super().__init__()
        self._items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self._items[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError(username) from None


@dataclass(frozen=True)
class KeyringStatus:
    backend: str          # e.g. "keyring.backends.SecretService.Keyring" or "keyring.backends.fail.Keyring"
    usable: bool
    reason: str = ""      # why it is not usable


def keyring_status() -> KeyringStatus:
    """Probe the configured backend once: a backend can exist yet fail on use (no D-Bus session, locked)."""
    kr = keyring.get_keyring()
    name = f"{type(kr).__module__}.{type(kr).__qualname__}"
    try:
        from keyring.backends import fail

        if isinstance(kr, fail.Keyring):
            return KeyringStatus(name, False, "no keyring backend is available on this machine")
        kr.get_password(SERVICE, "probe")
    except Exception as exc:  # any backend failure means "not usable"; the reason is shown, not raised
        return KeyringStatus(name, False, f"{type(exc).__name__}: {exc}".strip())
    return KeyringStatus(name, True)


@dataclass(frozen=True)
class KeyLocation:
    kind: str             # "keyring" or "file"
    path: Path | None = None

    def describe(self) -> str:
        return "OS keyring" if self.kind == "keyring" else f"key file {self.path} (fallback: no usable keyring)"


class KeyStore:
    """Creates and finds the random key of each workspace's database."""

    def __init__(self, config_dir: Path | None = None, status: KeyringStatus | None = None) -> None:
        self._config_dir = config_dir
        self._status: KeyringStatus | None = status     # given: e.g. the self-test keeps out of the keyring

    @property
    def status(self) -> KeyringStatus:
        if self._status is None:
            self._status = keyring_status()
        return self._status

    def _key_file(self, workspace_id: str) -> Path:
        base = self._config_dir or paths.config_dir()
        return base / "keys" / f"{workspace_id}.key"

    @staticmethod
    def _username(workspace_id: str) -> str:
        return f"db-key:{workspace_id}"

    def find(self, workspace_id: str) -> tuple[str, KeyLocation] | None:
        """Return the key and where it was found, or None. Looks in the keyring first, then the key file."""
        if self.status.usable:
            try:
                value = keyring.get_password(SERVICE, self._username(workspace_id))
            except keyring.errors.KeyringError:
                value = None
            if value:
                return value, KeyLocation("keyring")
        path = self._key_file(workspace_id)
        if path.exists():
            value = path.read_text(encoding="ascii").strip()
            if value:
                return value, KeyLocation("file", path)
        return None

    def create(self, workspace_id: str) -> tuple[str, KeyLocation]:
        """Make a new random 256-bit key and store it: keyring if usable, else an owner-only key file."""
        value = secrets.token_hex(32)
        if self.status.usable:
            try:
                keyring.set_password(SERVICE, self._username(workspace_id), value)
                return value, KeyLocation("keyring")
            except keyring.errors.KeyringError:
                pass
        path = self._key_file(workspace_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, stat.S_IRWXU)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(value + "\n")
        return value, KeyLocation("file", path)

    def delete(self, workspace_id: str) -> None:
        if self.status.usable:
            try:
                keyring.delete_password(SERVICE, self._username(workspace_id))
            except keyring.errors.KeyringError:
                pass
        self._key_file(workspace_id).unlink(missing_ok=True)


PASSWORD_ENV = "REPDESK_PASSWORD"


class PasswordStore:
    """Central-system passwords: in the OS keyring only. Without a usable keyring they are never written anywhere:
    the rep types them per session, or `REPDESK_PASSWORD` supplies one (scripts, CI)."""

    def __init__(self, status: KeyringStatus | None = None) -> None:
        self._status = status

    @property
    def status(self) -> KeyringStatus:
        if self._status is None:
            self._status = keyring_status()
        return self._status

    @staticmethod
    def _username(workspace_id: str, login: str) -> str:
        return f"central:{workspace_id}:{login}"

    def get(self, workspace_id: str, login: str) -> str | None:
        env = os.environ.get(PASSWORD_ENV)
        if env:
            return env
        if not self.status.usable:
            return None
        try:
            return keyring.get_password(SERVICE, self._username(workspace_id, login))
        except keyring.errors.KeyringError:
            return None

    def set(self, workspace_id: str, login: str, password: str) -> bool:
        """True when stored in the keyring; False when there is no keyring to keep it in."""
        if not self.status.usable:
            return False
        try:
            keyring.set_password(SERVICE, self._username(workspace_id, login), password)
        except keyring.errors.KeyringError:
            return False
        return True

    def delete(self, workspace_id: str, login: str) -> None:
        if self.status.usable:
            try:
                keyring.delete_password(SERVICE, self._username(workspace_id, login))
            except keyring.errors.KeyringError:
                pass
