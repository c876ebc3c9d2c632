"""Wiring of local_models into the app: where the encoder, the model registry and caches live on this machine,
and how an `Assistant` is assembled for a workspace."""

from __future__ import annotations

import time
from pathlib import Path

import platformdirs

from local_models.intents import (
    EmbeddingStore,
    IntentRecogniser,
    LlamaEncoder,
    default_encoder_path,
    default_pack,
)
from local_models.registry import ModelError, ModelRegistry
from local_models.runtime import LocalModel

from . import paths
from .errors import RepDeskError
from .store import Store


class ModelMissing(RepDeskError):
    code = "model_missing"


class ModelProblem(RepDeskError):
    code = "model_problem"


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(paths.APP_NAME, appauthor=False))


def registry(allowed: frozenset[str] = frozenset()) -> ModelRegistry:
    """The per-user model registry; bundled models (installed packages) are registered on first use."""
    reg = ModelRegistry(paths.config_dir() / "models.json", allowed)
    try:
        reg.discover_bundled()
    except ModelError as exc:
        raise ModelProblem(str(exc)) from None
    return reg


def open_encoder(n_threads: int = 2) -> tuple[LlamaEncoder, EmbeddingStore]:
    """The intent encoder and its on-disk example-embedding cache. Runs on the `llm` executor in the app."""
    path = default_encoder_path()
    if not path.exists():
        raise ModelMissing(f"the intent encoder is missing ({path}); run `make models` to prepare it")
    try:
        encoder = LlamaEncoder(path, n_threads=n_threads)
    except (OSError, ValueError, RuntimeError) as exc:
        raise ModelMissing(f"the intent encoder at {path} cannot be loaded: {exc}") from None
    return encoder, EmbeddingStore(cache_dir() / "embeddings")


def warm_embeddings(encoder: LlamaEncoder, store: EmbeddingStore, texts: list[str]) -> float:
    """Embed texts not yet cached on disk (first start), save, return the seconds it took."""
    t0 = time.perf_counter()
    cached = store.load(encoder.model_id)
    encoder.preload(cached)
    missing = [t for t in dict.fromkeys(texts) if t not in cached]
    if missing:
        vectors = encoder.embed(missing)
        cached.update(zip(missing, vectors, strict=True))
        store.save(encoder.model_id, cached)
    return time.perf_counter() - t0


def open_assistant(store: Store, rep: str = "", with_llm: bool = True, n_threads: int = 2):
    """Encoder + default pack + corrections + (optionally) the active chat model, fitted and ready."""
    from .services.assistant import Assistant

    encoder, emb_store = open_encoder(n_threads)
    pack = default_pack()
    taught = [t for (t,) in store.conn.execute("SELECT text FROM intent_examples WHERE pack_id = ?", (pack.id,))]
    warm_embeddings(encoder, emb_store, [t for t, _ in pack.examples] + taught)
    model = None
    if with_llm:
        from .settings import load_settings

        allowed = frozenset(load_settings().values.allowed_model_sha256)   # IT's policy, if any
        entry = registry(allowed).active()
        if entry is not None and allowed and entry.sha256 not in allowed:
            entry = None
        if entry is not None:
            model = LocalModel(n_threads=n_threads)
            try:
                model.load(entry)   # sha256 checked again on every load
            except ModelError as exc:
                raise ModelProblem(f"{exc} (choose another with `repdesk models use ID`)") from None
    assistant = Assistant(store, IntentRecogniser(encoder), pack, rep=rep, model=model)
    assistant.fit()
    return assistant
