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
