"""Sign a RepDesk release: SHA256SUMS over the artefacts, an Ed25519 signature over it, and the public half.

    REPDESK_SIGNING_KEY=/secure/path/release-ed25519.pem python installer/sign.py dist
    python installer/sign.py --generate-key /secure/path/release-ed25519.pem      # once, offline

The private key's path comes from the environment only (never an argument that ends up in shell history or CI
logs, never a file in the repository); ``REPDESK_SIGNING_KEY_PASSPHRASE`` unlocks an encrypted key. By default
every ``*.tar.gz``, ``*.deb`` and ``BUILDINFO.json`` in the folder is listed. Writes SHA256SUMS,
SHA256SUMS.sig (64 raw bytes) and repdesk-release.pub (PEM) into the folder, and prints the one-line value IT
puts in the managed policy as ``release_public_key``. Formats: desktop/release.py.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desktop import release  # noqa: E402
from desktop.errors import RepDeskError  # noqa: E402

KEY_ENV = "REPDESK_SIGNING_KEY"
PASSPHRASE_ENV = "REPDESK_SIGNING_KEY_PASSPHRASE"
PATTERNS = ("*.tar.gz", "*.deb", "BUILDINFO.json")


def signing_key(path: Path | None = None):
    path = path or (Path(os.environ[KEY_ENV]).expanduser() if os.environ.get(KEY_ENV) else None)
    if path is None:
        raise RepDeskError(f"no signing key: set {KEY_ENV} to the path of an Ed25519 private key (PEM)")
    passphrase = os.environ.get(PASSPHRASE_ENV)
    return release.load_private_key(path, passphrase.encode() if passphrase else None)


def policy_value(public_key) -> str:
    """The compact form for the policy's release_public_key: base64 of the 32 raw bytes."""
    return base64.b64encode(release._raw(public_key)).decode("ascii")


def sign_folder(folder: Path, names: list[str] | None = None, key=None) -> tuple[list[str], str]:
    folder = Path(folder)
    if names is None:
        names = sorted({p.name for pattern in PATTERNS for p in folder.glob(pattern) if p.is_file()})
    if not names:
        raise RepDeskError(f"nothing to sign in {folder} (looked for {', '.join(PATTERNS)})")
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise RepDeskError(f"not a file in {folder}: {', '.join(missing)}")
    key = key or signing_key()
    release.sign_release(folder, names, key)
    return names, release.key_id(key.public_key())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="installer/sign.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, help="release folder (e.g. dist)")
    parser.add_argument("files", nargs="*", help="file names in the folder to list (default: the artefacts)")
    parser.add_argument("--generate-key", type=Path, metavar="PATH",
                        help="write a new Ed25519 private key (PEM, mode 0600) and exit")
    args = parser.parse_args(argv)
    try:
        if args.generate_key:
            release.generate_private_key(args.generate_key)
            key = release.load_private_key(args.generate_key)
            print(f"new signing key {release.key_id(key.public_key())} at {args.generate_key} (keep it offline)")
            print(f"release_public_key for the policy: {policy_value(key.public_key())}")
            return 0
        if args.folder is None:
            parser.error("give the release folder")
        key = signing_key()
        names, kid = sign_folder(args.folder, args.files or None, key)
    except (RepDeskError, OSError) as exc:
        message = str(exc) if isinstance(exc, RepDeskError) else f"{exc.strerror or exc}: {exc.filename or ''}"
        print(f"sign.py: error: {message}", file=sys.stderr)
        return 1
    print(f"signed {len(names)} file(s) in {args.folder} with key {kid}: {', '.join(names)}")
    print(f"public key: {args.folder / release.PUBLIC_KEY_NAME}")
    print(f"release_public_key for the policy: {policy_value(key.public_key())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
