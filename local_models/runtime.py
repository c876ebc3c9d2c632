"""The llama.cpp runtime: the only module that imports llama_cpp."""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass


@dataclass(frozen=True)
class RuntimeInfo:
    available: bool
    version: str
    system_info: str
    error: str = ""

    @property
    def portable(self) -> bool:
        """True when the build uses no AVX-512/AMX kernels (those crash on reps' older laptops)."""
        return "AVX512 = 1" not in self.system_info and "AMX_INT8 = 1" not in self.system_info


def runtime_info() -> RuntimeInfo:
    """Load llama.cpp's shared library and report its version and CPU features. Slow-ish: imports llama_cpp."""
    try:
        version = importlib.metadata.version("llama-cpp-python")
    except importlib.metadata.PackageNotFoundError:
        return RuntimeInfo(False, "", "", "llama-cpp-python is not installed")
    try:
        import llama_cpp

        raw = llama_cpp.llama_print_system_info()
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    except Exception as exc:  # a broken native library must not take the caller down
        return RuntimeInfo(False, version, "", f"{type(exc).__name__}: {exc}")
    return RuntimeInfo(True, version, text.strip())


# -- the model owner --------------------------------------------------------------------------------------
import os  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

from .gguf import GGUFError, read_info  # noqa: E402
from .registry import ModelEntry, ModelError, sha256_of  # noqa: E402


class Cancelled(Exception):
    """The request was cancelled (by the user or by a model swap)."""


def available_memory() -> int | None:
    """Bytes the OS says a new allocation can get without swapping (Linux), or None when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


class LocalModel:
    """Owns the process's only ``Llama``. Every method except :meth:`cancel` runs on the `llm` executor.

    Loading is lazy. :meth:`swap` loads the new model completely before dropping the old one, so a bad file
    leaves the previous model active. A request in flight when a swap or cancel arrives stops at the next token.
    """

    def __init__(self, n_threads: int | None = None, n_ctx: int = 2048,
                 memory_probe: Callable[[], int | None] = available_memory) -> None:
        self.n_threads = n_threads or max(1, min(4, os.cpu_count() or 1))
        self.n_ctx = n_ctx
        self._memory_probe = memory_probe
        self._llama = None
        self._entry: ModelEntry | None = None
        self._cancel = threading.Event()
        self._busy = threading.Lock()       # held while a request generates; a swap waits for it
        self.load_seconds = 0.0

    @property
    def entry(self) -> ModelEntry | None:
        return self._entry

    @property
    def loaded(self) -> bool:
        return self._llama is not None

    def _open(self, entry: ModelEntry, verify: bool = True):
        path = Path(entry.path)
        if not path.exists():
            raise ModelError(f"{entry.name}: the file {path} is missing")
        try:
            info = read_info(path)
        except GGUFError as exc:
            raise ModelError(f"{entry.name}: {exc}") from None
        if verify and sha256_of(path) != entry.sha256:
            raise ModelError(f"{entry.name}: checksum mismatch (the file changed or is damaged)")
        need = int(path.stat().st_size * 1.15) + self.n_ctx * 64 * 1024
        free = self._memory_probe()
        if free is not None and need > free:
            raise ModelError(f"{entry.name}: not enough memory to load it (needs ~{need / 2**20:.0f} MiB, "
                             f"{free / 2**20:.0f} MiB available)")
        del info
        try:
            import llama_cpp

            t0 = time.perf_counter()
            llama = llama_cpp.Llama(model_path=str(path), n_ctx=self.n_ctx, n_threads=self.n_threads,
                                    n_threads_batch=self.n_threads, verbose=False)
            self.load_seconds = time.perf_counter() - t0
        except Exception as exc:  # llama.cpp reports load failures as ValueError/RuntimeError
            raise ModelError(f"{entry.name}: llama.cpp could not load it ({exc})") from None
        return llama

    def load(self, entry: ModelEntry, verify: bool = True) -> None:
        """Load ``entry`` (if it is not the loaded one already)."""
        if self._entry is not None and self._entry.sha256 == entry.sha256 and self._llama is not None:
            return
        self.swap(entry, verify=verify)

    def swap(self, entry: ModelEntry, verify: bool = True, cancel_running: bool = False) -> None:
        """Hot swap: the new model is fully loaded first; on any error the old one stays active.

        A request in flight on another thread finishes on the old model (or, with ``cancel_running``, stops at
        its next token with `Cancelled`) before the old model is closed; later requests use the new one.
        """
        new = self._open(entry, verify=verify)
        if cancel_running and self._busy.locked():
            self._cancel.set()
        with self._busy:
            old = self._llama
            self._llama, self._entry = new, entry
        if old is not None:
            old.close()

    def free(self) -> None:
        with self._busy:
            if self._llama is not None:
                self._llama.close()
            self._llama = None

    def cancel(self) -> None:
        """Thread-safe: the running request stops at its next token."""
        self._cancel.set()

    def _require(self):
        if self._llama is None:
            if self._entry is None:
                raise ModelError("no model is active")
            self._llama = self._open(self._entry, verify=False)
        return self._llama

    # -- generation ---------------------------------------------------------------------------------------
    def stream_chat(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.3,
                    grammar: str | None = None, seed: int = 7, repeat_penalty: float = 1.0) -> Iterator[str]:
        """Yield text pieces of the assistant's reply. Raises Cancelled if cancelled mid-way."""
        import llama_cpp

        kwargs: dict = {"max_tokens": max_tokens, "temperature": temperature, "stream": True, "seed": seed,
                        "repeat_penalty": repeat_penalty}
        if grammar:
            kwargs["grammar"] = llama_cpp.LlamaGrammar.from_string(grammar, verbose=False)
        with self._busy:
            llama = self._require()
            self._cancel.clear()
            for chunk in llama.create_chat_completion(messages=messages, **kwargs):
                if self._cancel.is_set():
                    raise Cancelled()
                delta = chunk["choices"][0].get("delta", {})
                piece = delta.get("content")
                if piece:
                    yield piece

    def chat(self, messages: list[dict], **kwargs) -> str:
        return "".join(self.stream_chat(messages, **kwargs))

    def stream_completion(self, prompt: str, max_tokens: int = 128, temperature: float = 0.0,
                          grammar: str | None = None) -> Iterator[str]:
        """Raw completion (no chat template), token by token; used for benchmarks and base models."""
        import llama_cpp

        kwargs: dict = {"max_tokens": max_tokens, "temperature": temperature, "stream": True}
        if grammar:
            kwargs["grammar"] = llama_cpp.LlamaGrammar.from_string(grammar, verbose=False)
        with self._busy:
            llama = self._require()
            self._cancel.clear()
            for chunk in llama.create_completion(prompt, **kwargs):
                if self._cancel.is_set():
                    raise Cancelled()
                piece = chunk["choices"][0].get("text")
                if piece:
                    yield piece

    def choose(self, messages: list[dict], options: list[str]) -> str:
        """Constrained choice: the reply can only be one of ``options`` (GBNF alternation)."""
        if not options:
            raise ValueError("no options")
        alternatives = " | ".join(_gbnf_literal(o) for o in options)
        reply = self.chat(messages, max_tokens=32, temperature=0.0, grammar=f"root ::= {alternatives}")
        if reply not in options:  # the grammar makes this unreachable; keep the promise explicit
            raise ModelError(f"model answered outside the allowed options: {reply!r}")
        return reply


def _gbnf_literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
