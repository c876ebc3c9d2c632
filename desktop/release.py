"""Release signatures: how IT (and the app) tell a genuine RepDesk artefact from a changed or damaged one.

A release folder holds the artefacts (``.tar.gz``, ``.deb``), ``SHA256SUMS`` (GNU coreutils format, so
``sha256sum -c`` reads it) and ``SHA256SUMS.sig``: a detached **Ed25519** signature (64 raw bytes) over the exact
bytes of ``SHA256SUMS``. Public keys are PEM (SubjectPublicKeyInfo) files, so plain OpenSSL 3 checks a release
without RepDesk::

    openssl pkeyutl -verify -pubin -inkey repdesk-release.pub -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig
    sha256sum -c SHA256SUMS --ignore-missing

Which key is trusted, first match wins: the one given (``--key``), the one in IT's managed policy
(``release_public_key``), the one pinned into this build at build time (``desktop/release_key.pub``, a resource
only frozen bundles carry). Signing (``installer/sign.py``) also lives here, so both halves share one format.

The ``cryptography`` package is imported lazily: only verify/sign pay for it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from local_models.registry import sha256_of as sha256_file

from .errors import InvalidInput, RepDeskError

SUMS_NAME = "SHA256SUMS"
SIG_NAME = "SHA256SUMS.sig"
PUBLIC_KEY_NAME = "repdesk-release.pub"
PINNED_RESOURCE = "release_key.pub"         # inside the `desktop` package of a frozen build
SIGNATURE_BYTES = 64
_SUMS_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


class VerifyRefused(RepDeskError):
    """The artefact must not be installed: its bytes or its signature do not check out."""

    code = "verify_refused"


class NoReleaseKey(RepDeskError):
    code = "no_release_key"


@dataclass(frozen=True)
class TrustedKey:
    key: object                 # cryptography's Ed25519PublicKey
    key_id: str                 # first 16 hex digits of sha256(raw public key)
    source: str                 # "given: PATH" | "policy: PATH" | "pinned in this build"

    def describe(self) -> str:
        return f"key {self.key_id} ({self.source})"


@dataclass(frozen=True)
class Verified:
    artefact: str
    sha256: str
    key: TrustedKey

    def line(self) -> str:
        return f"OK: {self.artefact} sha256 {self.sha256[:16]}… signed by {self.key.describe()}"


# -- checksums ---------------------------------------------------------------------------------------------

def format_sums(entries: dict[str, str]) -> str:
    """``<sha256>  <name>`` lines, sorted by name (what ``sha256sum`` writes)."""
    for name in entries:
        if "/" in name or "\n" in name or not name.strip():
            raise InvalidInput(f"not a plain file name for SHA256SUMS: {name!r}")
    return "".join(f"{entries[name]}  {name}\n" for name in sorted(entries))


def parse_sums(text: str) -> dict[str, str]:
    """Name -> sha256. As strict as the writer: plain file names only, each once."""
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _SUMS_LINE.match(line)
        if match is None:
            raise VerifyRefused(f"{SUMS_NAME} line {number} is not '<sha256>  <file name>': the checksum list is "
                                "damaged")
        name = match.group(2)
        if "/" in name or "\\" in name or name in (".", "..") or name in out:
            raise VerifyRefused(f"{SUMS_NAME} line {number} names {name!r}: only plain file names, each once, "
                                "belong in a release's checksum list")
        out[name] = match.group(1)
    return out


def _read(path: Path, what: str) -> bytes:
    """A file's bytes, or VerifyRefused saying in one line why it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise VerifyRefused(f"{what} is missing ({path})") from None
    except IsADirectoryError:
        raise VerifyRefused(f"{what} is a folder, not a file ({path})") from None
    except OSError as exc:
        raise VerifyRefused(f"{what} cannot be read ({path}: {exc.strerror or exc})") from None


# -- keys ------------------------------------------------------------------------------------------------------

def _raw(public_key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key) -> str:
    return hashlib.sha256(_raw(public_key)).hexdigest()[:16]


def load_public_key(data: str | bytes, what: str = "the public key"):
    """An Ed25519 public key from PEM text or from base64 of its 32 raw bytes (the compact form a policy holds)."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    blob = data.encode("ascii", "replace") if isinstance(data, str) else bytes(data)
    text = blob.strip()
    if text.startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text)
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise InvalidInput(f"{what} is not a readable PEM public key ({exc})") from None
        if not isinstance(key, Ed25519PublicKey):
            raise InvalidInput(f"{what} is not an Ed25519 key (RepDesk releases are signed with Ed25519)")
        return key
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise InvalidInput(f"{what} is neither a PEM Ed25519 public key nor base64 of its 32 raw bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def public_pem(public_key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def pinned_key_text() -> str | None:
    """The public key pinned into this build (frozen bundles only), or None."""
    ref = resources.files("desktop").joinpath(PINNED_RESOURCE)
    try:
        return ref.read_text(encoding="ascii")
    except (FileNotFoundError, OSError):
        return None


def trusted_key(given: Path | None = None) -> TrustedKey:
    """The key to check against: the given file, else IT's policy, else the one pinned in this build."""
    if given is not None:
        try:
            data = Path(given).expanduser().read_bytes()
        except OSError as exc:
            raise InvalidInput(f"the public key {given} cannot be read ({exc.strerror or exc})") from None
        key = load_public_key(data, f"the public key {given}")
        return TrustedKey(key, key_id(key), f"given: {given}")
    from .settings import load_settings

    current = load_settings()
    if "release_public_key" in current.rejected:   # a typo during key rotation must not fall back to another key
        raise NoReleaseKey(f"IT's policy ({current.policy_path}) names a release key that cannot be used (see "
                           "`repdesk doctor`); pass --key PUBLIC_KEY or fix the policy")
    if current.values.release_public_key:
        key = load_public_key(current.values.release_public_key, "the policy's release_public_key")
        return TrustedKey(key, key_id(key), f"policy: {current.policy_path}")
    pinned = pinned_key_text()
    if pinned:
        key = load_public_key(pinned, "the key pinned in this build")
        return TrustedKey(key, key_id(key), "pinned in this build")
    raise NoReleaseKey("no release key to check against: pass --key PUBLIC_KEY, or IT sets release_public_key in "
                       "the managed policy (only installed builds pin a key)")


# -- signing (installer/sign.py) and verifying -----------------------------------------------------------------

def load_private_key(path: Path, passphrase: bytes | None = None):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"the signing key {path} cannot be read ({exc.strerror or exc})") from None
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"the signing key {path} cannot be loaded ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput(f"the signing key {path} is not an Ed25519 key")
    return key


def generate_private_key(path: Path) -> None:
    """A new Ed25519 key as unencrypted PKCS#8 PEM, owner-only (throwaway keys for CI and local builds)."""
    import os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)


def sign_release(folder: Path, names: list[str], private_key) -> tuple[Path, Path, Path]:
    """Write SHA256SUMS over ``names`` (files in ``folder``), its signature, and the public half; check the
    signature once more before returning."""
    folder = Path(folder)
    entries = {name: sha256_file(folder / name) for name in names}
    sums = folder / SUMS_NAME
    sums.write_text(format_sums(entries), encoding="ascii")
    sig = folder / SIG_NAME
    sig.write_bytes(private_key.sign(sums.read_bytes()))
    pub = folder / PUBLIC_KEY_NAME
    pub.write_bytes(public_pem(private_key.public_key()))
    check_signature(sums, sig, TrustedKey(private_key.public_key(), key_id(private_key.public_key()), "signer"))
    return sums, sig, pub


def check_signature(sums: Path, sig: Path, trusted: TrustedKey) -> bytes:
    """The bytes of SHA256SUMS once its signature verifies with the trusted key; VerifyRefused otherwise."""
    from cryptography.exceptions import InvalidSignature

    if not sums.exists():
        raise VerifyRefused(f"no {SUMS_NAME} next to the artefact ({sums.parent}): it cannot be checked")
    body = _read(sums, f"the checksum list {sums.name}")
    if not sig.exists():
        raise VerifyRefused(f"{SUMS_NAME} is not signed: {sig.name} is missing in {sig.parent}")
    signature = _read(sig, f"the signature {sig.name}")
    if len(signature) != SIGNATURE_BYTES:
        raise VerifyRefused(f"{sig.name} is not an Ed25519 signature ({len(signature)} bytes, expected "
                            f"{SIGNATURE_BYTES})")
    try:
        trusted.key.verify(signature, body)
    except InvalidSignature:
        raise VerifyRefused(f"the signature on {SUMS_NAME} does not verify with {trusted.describe()}: the checksum "
                            "list was changed, or it was signed with another key. Do not install.") from None
    return body


def verify(artefact: Path, key: Path | None = None, sums: Path | None = None) -> list[Verified]:
    """Check a release artefact (or every artefact of a release folder) against the signed SHA256SUMS.

    Raises VerifyRefused with a one-line reason for: a bad or missing signature, a damaged checksum list, an
    artefact that is not listed, missing, or whose bytes differ from the signed checksum."""
    artefact = Path(artefact).expanduser()
    if not artefact.exists():
        raise InvalidInput(f"{artefact} does not exist")
    folder = artefact if artefact.is_dir() else artefact.parent
    sums = Path(sums).expanduser() if sums else folder / SUMS_NAME
    trusted = trusted_key(key)
    body = check_signature(sums, sums.with_name(sums.name + ".sig"), trusted)
    listed = parse_sums(body.decode("ascii", "replace"))
    if artefact.is_dir():
        targets = [folder / name for name in sorted(listed)]
        if not targets:
            raise VerifyRefused(f"the signed {SUMS_NAME} lists no files")
    elif artefact.name in (SUMS_NAME, SIG_NAME):
        targets = [folder / name for name in sorted(listed)]
    else:
        targets = [artefact]
    results = []
    for target in targets:
        expected = listed.get(target.name)
        if expected is None:
            raise VerifyRefused(f"{target.name} is not listed in the signed {SUMS_NAME}: it is not part of this "
                                "release. Do not install.")
        if not target.exists():
            raise VerifyRefused(f"{target.name} is listed in {SUMS_NAME} but missing from {target.parent}")
        if not target.is_file():
            raise VerifyRefused(f"{target.name} is not a file ({target})")
        try:
            actual = sha256_file(target)
        except OSError as exc:
            raise VerifyRefused(f"{target.name} cannot be read ({exc.strerror or exc})") from None
        if actual != expected:
            raise VerifyRefused(f"{target.name} does not match its signed checksum (expected {expected[:16]}…, got "
                                f"{actual[:16]}…): the file was changed or damaged after signing. Do not install.")
        results.append(Verified(target.name, actual, trusted))
    return results


def run_verify(artefact: Path, key: Path | None = None, sums: Path | None = None, out=None, err=None) -> int:
    """`repdesk verify` and installer/verify.py: ``OK:`` lines and 0, or ``REFUSED: <reason>`` and 1."""
    import sys

    out, err = out or sys.stdout, err or sys.stderr
    try:
        results = verify(artefact, key=key, sums=sums)
    except VerifyRefused as exc:
        print(f"REFUSED: {exc}", file=err)
        return 1
    for result in results:
        print(result.line(), file=out)
    artefact = Path(artefact).expanduser()
    folder = artefact if artefact.is_dir() else artefact.parent
    if key is not None and Path(key).expanduser().resolve().parent == folder.resolve():
        print(f"note: the public key came from the same folder as the artefacts, so whoever could change them could "
              f"change it too; compare its key id ({results[0].key.key_id}) with the one your release channel "
              "publishes, or set release_public_key in the managed policy", file=err)
    return 0
