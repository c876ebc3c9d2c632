"""The llama.cpp build is the portable one (no AVX-512/AMX kernels that crash older laptops)."""

from __future__ import annotations

from local_models.runtime import runtime_info


def test_llama_cpp_is_installed_and_portable() -> None:
    info = runtime_info()
    assert info.available, info.error
    assert info.version == "0.3.36"
    assert "AVX2 = 1" in info.system_info          # still fast on any x86-64 laptop from 2013 on
    assert "AVX512" not in info.system_info or "AVX512 = 1" not in info.system_info
    assert "AMX_INT8 = 1" not in info.system_info
    assert info.portable
