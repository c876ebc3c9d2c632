"""Wiring of local_models into the app: where the encoder and caches live on this machine."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from local_models.intents import EmbeddingStore, LlamaEncoder, default_encoder_path

from . import paths
from .errors import RepDeskError


class ModelMissing(RepDeskError):
    code = "model_missing"


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(paths.APP_NAME, appauthor=False))


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
