"""The app's settings: one typed record with defaults, validation and a version, and IT's managed policy on top.

Where each value lives (one source of truth per key):

- ``sync_interval_minutes`` is per workspace, in the workspace manifest (``workspace.json`` →
  ``settings.sync.interval_minutes``), because each workspace syncs on its own; the scheduler reads it through
  :func:`desktop.services.sync.interval_minutes`, which asks :func:`load_settings`. Without a workspace it is the
  default (or the policy's value).
- everything else is per user, in ``config_dir()/settings.json``::

      {"version": 1, "language": "zh_CN", "llm_threads": 4, "llm_context": 2048, "drafts_enabled": true,
       "central_url": "https://erp.example.com", "central_database": "sales", "central_user": "li.wei"}

  ``central_*`` are only defaults offered for a new connection: a workspace's real connection is its manifest's
  ``settings.central`` (written by :func:`desktop.services.sync.connect`). Unknown keys are kept on save and
  otherwise ignored; a file from a newer RepDesk (higher ``version``) is read best-effort; an invalid value falls
  back to its default with a warning, and a damaged file is read as empty (and kept as ``settings.json.damaged``
  on the next save) — settings never stop the app from starting.

The managed policy is a JSON file IT deploys to :func:`desktop.paths.managed_policy_file` (``/etc/xdg/RepDesk`` on
Linux, ``C:\\ProgramData\\RepDesk`` on Windows, ``/Library/Application Support/RepDesk`` on macOS; a fixed place the
user's environment cannot move). Only where no such file exists does ``$REPDESK_POLICY`` name another file
(tests, pilots)::

      {
        "version": 1,
        "reason": "Set by Sales IT (ticket OPS-1234)",
        "locked": {"sync_interval_minutes": 30, "language": "zh_CN"},
        "reasons": {"sync_interval_minutes": "Keeps the load on the ERP predictable"},
        "allowed_model_sha256": ["<64 hex digits>", "..."],
        "release_public_key": "<base64 of the Ed25519 release key, or its PEM text>"
      }

Every key under ``locked`` overrides the user's (and the workspace's) value and cannot be saved; the UI shows it
read-only with ``reasons[key]`` or else ``reason``. ``allowed_model_sha256`` (policy only) restricts which GGUF
files may be added or used; empty or absent means any. ``release_public_key`` (policy only) is the key
``repdesk verify`` trusts for release artefacts (see desktop/release.py); it is read from IT's file only, never
from a ``$REPDESK_POLICY`` file. Locking ``central_url`` / ``central_database`` / ``central_user`` also binds
connections: a workspace cannot connect, or sync, to another system or as another user
(:func:`check_central_allowed`). An invalid policy value is ignored with a warning.
The template IT starts from is installer/policy.example.json.

No Qt here: the settings view (`ui/settings_view.py`) calls these functions on a worker thread.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths
from .errors import DiskFull, InvalidInput, RepDeskError

if TYPE_CHECKING:  # pragma: no cover
    from local_models.registry import ModelEntry

    from .workspace import Workspace

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1
SETTINGS_FILE = "settings.json"
POLICY_ENV = "REPDESK_POLICY"

LANGUAGES = ("system", "zh_CN", "en")
INTERVAL_RANGE = (1, 24 * 60)
THREADS_RANGE = (1, 16)
CONTEXT_RANGE = (512, 8192)
WORKSPACE_KEYS = frozenset({"sync_interval_minutes"})
POLICY_ONLY_KEYS = frozenset({"allowed_model_sha256", "release_public_key"})
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def default_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class Settings:
    version: int = SETTINGS_VERSION
    language: str = "system"                 # "system" | "zh_CN" | "en"
    sync_interval_minutes: int = 15          # per workspace (see the module docstring)
    llm_threads: int = field(default_factory=default_threads)
    llm_context: int = 2048
    drafts_enabled: bool = True
    central_url: str = ""                    # defaults for a new connection only
    central_database: str = ""
    central_user: str = ""
    allowed_model_sha256: tuple[str, ...] = ()   # from IT's policy only
    release_public_key: str = ""             # from IT's policy only: the key `repdesk verify` trusts


KEYS = tuple(f.name for f in fields(Settings) if f.name != "version")
USER_KEYS = tuple(k for k in KEYS if k not in WORKSPACE_KEYS and k not in POLICY_ONLY_KEYS)


@dataclass(frozen=True)
class EffectiveSettings:
    """The settings in force: the user's and the workspace's values with IT's policy applied."""

    values: Settings
    locked: Mapping[str, str] = field(default_factory=dict)     # key -> IT's reason
    warnings: tuple[str, ...] = ()
    policy_path: Path | None = None                             # the policy file read, if any
    rejected: frozenset[str] = frozenset()                      # keys the policy names but with unusable values

    def is_locked(self, key: str) -> bool:
        return key in self.locked

    def reason(self, key: str) -> str:
        return self.locked.get(key, "")


# -- validation ------------------------------------------------------------------------------------------------

def _int_in(key: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool):
        raise InvalidInput(f"{key}: {value!r} is not a whole number", key=key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise InvalidInput(f"{key}: {value!r} is not a whole number", key=key) from None
    if not isinstance(value, int):
        raise InvalidInput(f"{key}: {value!r} is not a whole number", key=key)
    if not lo <= value <= hi:
        raise InvalidInput(f"{key}: {value} is outside {lo}..{hi}", key=key, low=lo, high=hi)
    return value


def _text(key: str, value: Any, max_len: int = 300) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{key}: {value!r} is not text", key=key)
    value = value.strip()
    if len(value) > max_len or any(ch in value for ch in "\r\n\t\0"):
        raise InvalidInput(f"{key}: not a valid value", key=key)
    return value


def validate(key: str, value: Any) -> Any:
    """The value for ``key`` in its canonical form, or InvalidInput (one line, ``details['key']`` set)."""
    if key == "language":
        if value not in LANGUAGES:
            raise InvalidInput(f"language: {value!r} is not one of {', '.join(LANGUAGES)}", key=key)
        return value
    if key == "sync_interval_minutes":
        return _int_in(key, value, *INTERVAL_RANGE)
    if key == "llm_threads":
        return _int_in(key, value, *THREADS_RANGE)
    if key == "llm_context":
        return _int_in(key, value, *CONTEXT_RANGE)
    if key == "drafts_enabled":
        if not isinstance(value, bool):
            raise InvalidInput(f"drafts_enabled: {value!r} is not true or false", key=key)
        return value
    if key == "central_url":
        url = _text(key, value)
        if url and not re.match(r"^https?://[^\s/]+", url):
            raise InvalidInput(f"central_url: {url!r} is not an http:// or https:// address", key=key)
        return url
    if key in ("central_database", "central_user"):
        return _text(key, value, 120)
    if key == "allowed_model_sha256":
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise InvalidInput("allowed_model_sha256: expected a list of sha256 checksums", key=key)
        items = tuple(str(v).strip().lower() for v in value)
        bad = [v for v in items if not _SHA256.match(v)]
        if bad:
            raise InvalidInput(f"allowed_model_sha256: {bad[0]!r} is not a sha256 checksum", key=key)
        return items
    if key == "release_public_key":
        if not isinstance(value, str):
            raise InvalidInput("release_public_key: expected the PEM text or base64 of an Ed25519 public key",
                               key=key)
        from .release import load_public_key

        load_public_key(value, "release_public_key")     # InvalidInput when it is not an Ed25519 public key
        return value.strip()
    raise InvalidInput(f"unknown setting {key!r}", key=key)


# -- files -----------------------------------------------------------------------------------------------------

def settings_path() -> Path:
    return paths.config_dir() / SETTINGS_FILE


def policy_path() -> Path:
    """IT's file at the fixed system location when it exists (nothing in the user's environment replaces it);
    otherwise ``$REPDESK_POLICY`` (pilots, tests), otherwise that system location."""
    system = paths.managed_policy_file()
    env = os.environ.get(POLICY_ENV)
    if env and not system.exists():
        return Path(env).expanduser()
    return system


def _read_json(path: Path, what: str, warnings: list[str]) -> dict | None:
    """The object in the file; None when absent; {} (with a warning) when unreadable."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))     # a BOM (Windows editors) is fine
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        warnings.append(f"{what} {path} cannot be read ({type(exc).__name__}: {exc}); using defaults")
        return {}
    if not isinstance(raw, dict):
        warnings.append(f"{what} {path} does not hold a JSON object; using defaults")
        return {}
    return raw


def _apply(values: dict[str, Any], raw: Mapping[str, Any], keys: Iterable[str], what: str,
           warnings: list[str]) -> None:
    for key in keys:
        if key in raw:
            try:
                values[key] = validate(key, raw[key])
            except InvalidInput as exc:
                warnings.append(f"{what}: {exc}; using {values[key]!r}")


def load_settings(workspace: Workspace | None = None) -> EffectiveSettings:
    """The settings in force now. Never raises for bad files: problems come back as ``warnings``."""
    warnings: list[str] = []
    base = Settings()
    values: dict[str, Any] = {k: getattr(base, k) for k in KEYS}

    user = _read_json(settings_path(), "the settings file", warnings)
    if user:
        version = user.get("version", SETTINGS_VERSION)
        if isinstance(version, int) and not isinstance(version, bool) and version > SETTINGS_VERSION:
            warnings.append(f"the settings file was written by a newer RepDesk (version {version}); "
                            "reading what this version understands")
        _apply(values, user, USER_KEYS, "settings file", warnings)

    if workspace is not None:
        sync = workspace.info.settings.get("sync")
        if isinstance(sync, dict) and "interval_minutes" in sync:
            _apply(values, {"sync_interval_minutes": sync["interval_minutes"]}, WORKSPACE_KEYS,
                   f"workspace {workspace.folder}", warnings)

    locked: dict[str, str] = {}
    rejected: set[str] = set()
    ppath = policy_path()
    if os.environ.get(POLICY_ENV) and ppath == paths.managed_policy_file():
        warnings.append(f"{POLICY_ENV} is ignored: IT's policy at {ppath} applies")
    policy = _read_json(ppath, "the managed policy", warnings)
    if policy is not None:
        general = policy.get("reason") if isinstance(policy.get("reason"), str) else ""
        reasons = policy.get("reasons") if isinstance(policy.get("reasons"), dict) else {}
        pinned = policy.get("locked") if isinstance(policy.get("locked"), dict) else {}
        for key, value in pinned.items():
            if key not in KEYS or key in POLICY_ONLY_KEYS:
                warnings.append(f"managed policy: unknown setting {key!r} ignored")
                continue
            try:
                values[key] = validate(key, value)
            except InvalidInput as exc:
                warnings.append(f"managed policy: {exc}; not enforced")
                rejected.add(key)
                continue
            why = reasons.get(key)
            locked[key] = (why if isinstance(why, str) and why else general) or "set by your IT department"
        for key in sorted(POLICY_ONLY_KEYS):
            if key not in policy:
                continue
            if key == "release_public_key" and ppath != paths.managed_policy_file():
                warnings.append(f"managed policy: release_public_key in {ppath} ignored: only IT's policy file at "
                                f"{paths.managed_policy_file()} can name the release key")
                continue
            try:
                values[key] = validate(key, policy[key])
                locked[key] = general or "set by your IT department"
            except InvalidInput as exc:
                warnings.append(f"managed policy: {exc}; not enforced")
                rejected.add(key)

    for w in warnings:
        log.warning("%s", w)
    return EffectiveSettings(Settings(version=SETTINGS_VERSION, **values), locked, tuple(warnings),
                             ppath if policy is not None else None, frozenset(rejected))


def _write_atomic(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if exc.errno == errno.ENOSPC:
            raise DiskFull(f"the disk is full: the settings could not be saved to {path}") from None
        raise RepDeskError(f"the settings could not be saved to {path} ({exc.strerror or exc})") from None


def save_settings(changes: Mapping[str, Any], workspace: Workspace | None = None) -> EffectiveSettings:
    """Validate all changes first, then write: user keys to settings.json (atomically), workspace keys to the
    workspace manifest. A key IT's policy locks, or a policy-only key, is refused with InvalidInput."""
    current = load_settings(workspace)
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in KEYS:
            raise InvalidInput(f"unknown setting {key!r}", key=key)
        if key in POLICY_ONLY_KEYS:
            raise InvalidInput(f"{key} can only be set by your IT department's policy", key=key)
        if current.is_locked(key):
            raise InvalidInput(f"{key} is set by your IT department ({current.reason(key)}) and cannot be "
                               "changed here", key=key, reason=current.reason(key))
        if key in WORKSPACE_KEYS and workspace is None:
            raise InvalidInput(f"{key} is kept per workspace; open a workspace to change it", key=key)
        clean[key] = validate(key, value)

    user_changes = {k: v for k, v in clean.items() if k not in WORKSPACE_KEYS}
    if user_changes:
        path = settings_path()
        raw: dict = {}
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("not an object")
        except FileNotFoundError:
            raw = {}
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                os.replace(path, path.with_name(path.name + ".damaged"))
            raw = {}
        version = raw.get("version")
        raw["version"] = max(version, SETTINGS_VERSION) if isinstance(version, int) else SETTINGS_VERSION
        raw.update(user_changes)
        _write_atomic(path, raw)

    if workspace is not None and "sync_interval_minutes" in clean:
        sync = workspace.info.settings.get("sync")
        sync = dict(sync) if isinstance(sync, dict) else {}
        sync["interval_minutes"] = clean["sync_interval_minutes"]
        workspace.info.settings["sync"] = sync
        try:
            workspace.save_info()
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise DiskFull(f"the disk is full: the workspace settings could not be saved in "
                               f"{workspace.folder}") from None
            raise RepDeskError(f"the workspace settings could not be saved in {workspace.folder} "
                               f"({exc.strerror or exc})") from None
    return load_settings(workspace)


def check_central_allowed(url: str, database: str, login: str | None = None,
                          current: EffectiveSettings | None = None) -> None:
    """InvalidInput when IT's policy locks the central system (or the user name) and this is another one."""
    current = current or load_settings()
    for key, value in (("central_url", url), ("central_database", database), ("central_user", login)):
        if value is None or not current.is_locked(key):
            continue
        wanted = getattr(current.values, key)
        same = value.rstrip("/").lower() == wanted.rstrip("/").lower() if key == "central_url" else value == wanted
        if not same:
            what = {"central_url": "server", "central_database": "database", "central_user": "user"}[key]
            raise InvalidInput(f"your IT department only allows the central {what} {wanted!r} "
                               f"({current.reason(key)}); {value!r} is not allowed", key=key,
                               reason=current.reason(key))


# -- the central password, as the settings view shows it -------------------------------------------------------

def password_state(workspace: Workspace) -> str:
    """Where the central password for this workspace comes from: "keyring", "env" (REPDESK_PASSWORD),
    "none" (not stored), "no_keyring" (this machine has none), or "not_connected"."""
    from .secrets import PASSWORD_ENV, PasswordStore

    central = workspace.info.settings.get("central")
    if not central:
        return "not_connected"
    if os.environ.get(PASSWORD_ENV):
        return "env"
    store = PasswordStore()
    if not store.status.usable:
        return "no_keyring"
    saved = store.get(workspace.info.id, str(central.get("login", "")))
    return "keyring" if saved is not None else "none"


# -- models under the policy's allow-list ----------------------------------------------------------------------
# Thin wrappers over local_models.registry for the settings view: the policy's checksum list is applied and a
# registry error becomes a RepDeskError (ModelProblem) the UI can show in one line. Run them on the `llm` worker.

def _registry(current: EffectiveSettings | None = None):
    from local_models.registry import ModelRegistry

    from .assistant_wiring import ModelProblem, registry

    current = current or load_settings()
    allowed = frozenset(current.values.allowed_model_sha256)
    try:
        return registry(allowed)
    except ModelProblem as exc:
        # a bundled model IT's allow-list excludes is simply not offered; the others stay usable
        log.info("bundled model not registered: %s", exc)
        return ModelRegistry(paths.config_dir() / "models.json", allowed)


def _model_call(fn):
    from local_models.registry import ModelError

    from .assistant_wiring import ModelProblem

    try:
        return fn()
    except ModelError as exc:
        raise ModelProblem(str(exc)) from None
    except OSError as exc:
        raise ModelProblem(f"the model file cannot be read ({exc.strerror or exc})") from None


@dataclass(frozen=True)
class ModelList:
    entries: tuple[ModelEntry, ...]
    active_id: str | None


def list_models(current: EffectiveSettings | None = None) -> ModelList:
    """The registered models (bundled ones are registered, and hashed once, on first call)."""
    def go() -> ModelList:
        reg = _registry(current)
        return ModelList(tuple(reg.entries()), reg.active_id)

    return _model_call(go)


def add_model(path: str | Path, current: EffectiveSettings | None = None) -> ModelEntry:
    """Hash, describe and register a GGUF file; corrupt, unsupported or disallowed files are refused."""
    return _model_call(lambda: _registry(current).add(Path(path)))


def verify_model(model_id: str, current: EffectiveSettings | None = None) -> ModelEntry:
    return _model_call(lambda: _registry(current).verify(model_id))


def use_model(model_id: str, current: EffectiveSettings | None = None) -> ModelEntry:
    """Check the file again (checksum and policy), then make it the active chat model."""
    def go() -> ModelEntry:
        reg = _registry(current)
        reg.verify(model_id)
        return reg.use(model_id)

    return _model_call(go)
