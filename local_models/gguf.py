"""A small, strict reader of GGUF headers: metadata and tensor shapes, without loading any weights.

Used to describe a model before llama.cpp ever touches it (registry), and to reject truncated or foreign files
with a clear message instead of a native crash.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

MAGIC = b"GGUF"

# gguf value types
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9

# llama_ftype (general.file_type) -> the usual quantisation name
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
    12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS",
    20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M",
    28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0", 38: "MXFP4",
}
# arrays longer than this are skipped, not kept (tokenizer vocabularies)
_KEEP_ARRAY = 64


class GGUFError(ValueError):
    """The file is not a readable GGUF model (wrong magic, truncated, unsupported version)."""


@dataclass
class GGUFInfo:
    path: Path
    version: int
    metadata: dict[str, Any] = field(default_factory=dict)
    tensor_count: int = 0
    parameters: int = 0
    data_offset: int = 0        # where tensor data starts; the file must be at least this long plus the data

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", ""))

    @property
    def name(self) -> str:
        return str(self.metadata.get("general.name", "") or self.path.stem)

    @property
    def quantisation(self) -> str:
        ft = self.metadata.get("general.file_type")
        return FILE_TYPES.get(ft, f"type {ft}") if ft is not None else ""

    @property
    def context_length(self) -> int:
        return int(self.metadata.get(f"{self.architecture}.context_length", 0) or 0)

    @property
    def chat_template(self) -> str:
        return str(self.metadata.get("tokenizer.chat_template", "") or "")

    @property
    def licence(self) -> str:
        return str(self.metadata.get("general.license", "") or "")

    @property
    def is_embedding_model(self) -> bool:
        return self.architecture in {"bert", "nomic-bert", "jina-bert-v2", "t5encoder", "xlm-roberta"} or bool(
            self.metadata.get(f"{self.architecture}.pooling_type"))


class _Reader:
    def __init__(self, fh: BinaryIO, size: int) -> None:
        self.fh = fh
        self.size = size

    def read(self, n: int) -> bytes:
        data = self.fh.read(n)
        if len(data) != n:
            raise GGUFError("the file is truncated (its header ends early)")
        return data

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.read(struct.calcsize(fmt)))[0]

    def string(self) -> str:
        n = self.unpack("<Q")
        if n > self.size:
            raise GGUFError("the file is damaged (a string is longer than the file)")
        return self.read(n).decode("utf-8", "replace")

    def skip_string(self) -> None:
        n = self.unpack("<Q")
        if n > self.size:
            raise GGUFError("the file is damaged (a string is longer than the file)")
        self.fh.seek(n, 1)

    def value(self, vtype: int) -> Any:
        if vtype in _SCALARS:
            return self.unpack(_SCALARS[vtype])
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            itype = self.unpack("<I")
            n = self.unpack("<Q")
            if n > self.size:
                raise GGUFError("the file is damaged (an array is longer than the file)")
            if n <= _KEEP_ARRAY:
                return [self.value(itype) for _ in range(n)]
            if itype == _STRING:
                for _ in range(n):
                    self.skip_string()
            elif itype in _SCALARS:
                self.fh.seek(n * struct.calcsize(_SCALARS[itype]), 1)
            else:
                for _ in range(n):
                    self.value(itype)
            return f"<{n} items>"
        raise GGUFError(f"the file is damaged (unknown metadata type {vtype})")


# ggml tensor type -> (elements per block, bytes per block); types not listed skip the size check.
_TYPE_SIZES = {
    0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34), 9: (32, 36),
    10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210), 15: (256, 292),
    16: (256, 66), 17: (256, 74), 18: (256, 98), 19: (256, 50), 20: (32, 18), 21: (256, 110), 22: (256, 82),
    23: (256, 136), 24: (1, 1), 25: (1, 2), 26: (1, 4), 27: (1, 8), 28: (1, 8), 29: (256, 56), 30: (1, 2),
    34: (256, 54), 35: (256, 66),
}


def read_info(path: Path) -> GGUFInfo:
    """Parse the header; raises GGUFError with a one-line reason for anything that is not a whole GGUF file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        fh = open(path, "rb")  # noqa: SIM115 - closed by the `with fh:` below
    except OSError as exc:
        raise GGUFError(f"cannot read {path}: {exc.strerror or exc}") from None
    with fh:
        r = _Reader(fh, size)
        if size < 24 or r.read(4) != MAGIC:
            raise GGUFError("not a GGUF model file (wrong magic bytes)")
        version = r.unpack("<I")
        if version not in (2, 3):
            raise GGUFError(f"unsupported GGUF version {version}")
        n_tensors = r.unpack("<Q")
        n_kv = r.unpack("<Q")
        if n_tensors > 1_000_000 or n_kv > 1_000_000:
            raise GGUFError("the file is damaged (implausible header counts)")
        info = GGUFInfo(path, version, tensor_count=n_tensors)
        for _ in range(n_kv):
            key = r.string()
            info.metadata[key] = r.value(r.unpack("<I"))
        params = 0
        data_end = 0                # bytes the tensor data needs after the data offset
        for _ in range(n_tensors):
            r.skip_string()
            n_dims = r.unpack("<I")
            if n_dims > 8:
                raise GGUFError("the file is damaged (tensor with too many dimensions)")
            count = 1
            for _ in range(n_dims):
                count *= r.unpack("<Q")
            ttype = r.unpack("<I")
            offset = r.unpack("<Q")
            params += count
            if ttype in _TYPE_SIZES:
                per_block, block_bytes = _TYPE_SIZES[ttype]
                data_end = max(data_end, offset + -(-count // per_block) * block_bytes)
        info.parameters = params
        alignment = int(info.metadata.get("general.alignment", 32) or 32)
        pos = fh.tell()
        info.data_offset = pos + (-pos % alignment)
        if info.data_offset >= size and n_tensors:
            raise GGUFError("the file is truncated (no tensor data)")
        if info.data_offset + data_end > size:
            missing = info.data_offset + data_end - size
            raise GGUFError(f"the file is truncated ({missing:,} bytes of tensor data missing)")
        return info
