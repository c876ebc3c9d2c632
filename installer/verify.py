"""Check a RepDesk release artefact before installing it (the same check as `repdesk verify`).

    python installer/verify.py dist/repdesk_0.1.0_amd64.deb --key repdesk-release.pub
    python installer/verify.py dist/                       # every file SHA256SUMS lists

Exit 0 and one ``OK:`` line per file when the signature over SHA256SUMS verifies with the key and the file's bytes
match; exit 1 with ``REFUSED: <reason>`` otherwise. Without --key, the key in IT's managed policy is used. Needs
only Python 3.11 and the ``cryptography`` package (run it from a checkout; no RepDesk installation needed).
Without Python: see desktop/release.py for the two OpenSSL / sha256sum commands that do the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    import argparse

    from desktop.errors import RepDeskError
    from desktop.release import run_verify

    parser = argparse.ArgumentParser(prog="installer/verify.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("artefact", type=Path, help="a .tar.gz / .deb, or a release folder")
    parser.add_argument("--key", type=Path, default=None, metavar="PUBLIC_KEY",
                        help="the release public key (PEM); default: IT's managed policy")
    parser.add_argument("--sums", type=Path, default=None, help="the checksum list (default: SHA256SUMS beside it)")
    args = parser.parse_args(argv)
    try:
        return run_verify(args.artefact, key=args.key, sums=args.sums)
    except RepDeskError as exc:
        print(f"verify.py: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"verify.py: error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
