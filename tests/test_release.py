"""Release signatures (desktop/release.py, installer/sign.py, installer/verify.py, `repdesk verify`): a real
Ed25519 key, real files, OpenSSL as an independent checker. The frozen bundle itself is tests/test_installer.py."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import cli, paths, release
from desktop import settings as st
from desktop.errors import InvalidInput

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "installer"))

import sign  # noqa: E402  (installer/sign.py)
import verify as verify_script  # noqa: E402  (installer/verify.py)


@pytest.fixture(autouse=True)
def no_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "policy" / "policy.json"
    monkeypatch.setenv(st.POLICY_ENV, str(path))
    monkeypatch.delenv(sign.KEY_ENV, raising=False)
    monkeypatch.delenv(sign.PASSPHRASE_ENV, raising=False)
    return path


@pytest.fixture
def signed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    """A release folder with two artefacts, signed through installer/sign.py with a fresh key from the env."""
    key_path = tmp_path / "secret" / "release.pem"
    assert sign.main(["--generate-key", str(key_path)]) == 0
    assert key_path.stat().st_mode & 0o777 == 0o600
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "repdesk-0.1.0-linux-x86_64.tar.gz").write_bytes(b"\x1f\x8b" + bytes(range(256)) * 40)
    (dist / "repdesk_0.1.0_amd64.deb").write_bytes(b"!<arch>\n" + b"deb" * 5000)
    (dist / "notes.txt").write_text("not an artefact", encoding="utf-8")
    monkeypatch.setenv(sign.KEY_ENV, str(key_path))
    assert sign.main([str(dist)]) == 0
    return dist, key_path, capsys.readouterr().out


def tamper(path: Path, offset: int = 100) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_sign_writes_sums_signature_and_public_key(signed) -> None:
    dist, _, output = signed
    sums = (dist / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    assert [line.split("  ")[1] for line in sums] == ["repdesk-0.1.0-linux-x86_64.tar.gz",
                                                      "repdesk_0.1.0_amd64.deb"]     # only artefacts, sorted
    assert len((dist / "SHA256SUMS.sig").read_bytes()) == 64
    pub = release.load_public_key((dist / release.PUBLIC_KEY_NAME).read_bytes())
    assert f"release_public_key for the policy: {sign.policy_value(pub)}" in output
    assert b"PRIVATE" not in (dist / release.PUBLIC_KEY_NAME).read_bytes()
    # GNU coreutils reads our list as its own
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.count(": OK") == 2


def test_verify_ok_for_file_and_folder(signed) -> None:
    dist, _, _ = signed
    pub = dist / release.PUBLIC_KEY_NAME
    [one] = release.verify(dist / "repdesk_0.1.0_amd64.deb", key=pub)
    assert one.artefact == "repdesk_0.1.0_amd64.deb" and one.key.source == f"given: {pub}"
    assert [r.artefact for r in release.verify(dist, key=pub)] == ["repdesk-0.1.0-linux-x86_64.tar.gz",
                                                                    "repdesk_0.1.0_amd64.deb"]


def test_one_tampered_byte_is_refused_with_a_clear_message(signed, capsys) -> None:
    dist, _, _ = signed
    artefact = dist / "repdesk-0.1.0-linux-x86_64.tar.gz"
    tamper(artefact, 5000)
    code = cli.main(["verify", str(artefact), "--key", str(dist / release.PUBLIC_KEY_NAME)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("REFUSED: repdesk-0.1.0-linux-x86_64.tar.gz does not match its signed checksum")
    assert "changed or damaged after signing. Do not install." in err
    # the folder check stops at the same file; the untouched one still verifies alone
    with pytest.raises(release.VerifyRefused, match="tar.gz does not match"):
        release.verify(dist, key=dist / release.PUBLIC_KEY_NAME)
    assert release.verify(dist / "repdesk_0.1.0_amd64.deb", key=dist / release.PUBLIC_KEY_NAME)


def test_changed_checksum_list_wrong_key_missing_or_unlisted_are_refused(signed, tmp_path: Path) -> None:
    dist, _, _ = signed
    pub = dist / release.PUBLIC_KEY_NAME
    deb = dist / "repdesk_0.1.0_amd64.deb"

    # an attacker who replaces the .deb and fixes up SHA256SUMS still fails on the signature
    tamper(deb, 10)
    sums = (dist / "SHA256SUMS").read_text(encoding="ascii")
    fixed = sums.replace(sums.splitlines()[1].split()[0], release.sha256_file(deb))
    (dist / "SHA256SUMS").write_text(fixed, encoding="ascii")
    with pytest.raises(release.VerifyRefused, match="signature on SHA256SUMS does not verify with key"):
        release.verify(deb, key=pub)
    (dist / "SHA256SUMS").write_text(sums, encoding="ascii")
    tamper(deb, 10)                                            # back to the signed bytes
    assert release.verify(deb, key=pub)

    other = tmp_path / "other.pem"
    release.generate_private_key(other)
    (tmp_path / "other.pub").write_bytes(release.public_pem(release.load_private_key(other).public_key()))
    with pytest.raises(release.VerifyRefused, match="signed with another key"):
        release.verify(deb, key=tmp_path / "other.pub")

    with pytest.raises(release.VerifyRefused, match="notes.txt is not listed in the signed SHA256SUMS"):
        release.verify(dist / "notes.txt", key=pub)

    (dist / "SHA256SUMS.sig").rename(tmp_path / "sig")
    with pytest.raises(release.VerifyRefused, match="SHA256SUMS is not signed: SHA256SUMS.sig is missing"):
        release.verify(deb, key=pub)
    (tmp_path / "sig").rename(dist / "SHA256SUMS.sig")

    deb.unlink()
    with pytest.raises(release.VerifyRefused, match="listed in SHA256SUMS but missing"):
        release.verify(dist, key=pub)


def test_openssl_checks_our_signature_independently(signed) -> None:
    """IT without RepDesk or Python: OpenSSL 3 verifies the same signature with the same public key."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl on this machine")
    dist, _, _ = signed
    cmd = [openssl, "pkeyutl", "-verify", "-pubin", "-inkey", release.PUBLIC_KEY_NAME, "-rawin",
           "-in", "SHA256SUMS", "-sigfile", "SHA256SUMS.sig"]
    ok = subprocess.run(cmd, cwd=dist, capture_output=True, text=True)
    assert ok.returncode == 0 and "Signature Verified Successfully" in ok.stdout
    tamper(dist / "SHA256SUMS", 3)
    bad = subprocess.run(cmd, cwd=dist, capture_output=True, text=True)
    assert bad.returncode != 0


def test_policy_key_is_trusted_without_key_argument(signed, no_policy: Path, capsys,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The key in IT's policy file (the fixed system location, redirected here: tests do not write to /etc)."""
    dist, _, _ = signed
    pub = release.load_public_key((dist / release.PUBLIC_KEY_NAME).read_bytes())
    monkeypatch.setattr(paths, "managed_policy_file", lambda: no_policy)
    no_policy.parent.mkdir(parents=True)
    no_policy.write_text(json.dumps({"release_public_key": sign.policy_value(pub)}), encoding="utf-8")
    assert cli.main(["verify", str(dist)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and all(line.startswith("OK: ") and f"key {release.key_id(pub)} (policy: " in line
                                 for line in out)
    # the PEM form works in the policy too, and a non-key is reported and not enforced
    no_policy.write_text(json.dumps({"release_public_key": release.public_pem(pub).decode()}), encoding="utf-8")
    assert release.trusted_key().key_id == release.key_id(pub)
    # a key IT's policy names but that cannot be used is an error, not a silent fall-back to another key
    no_policy.write_text(json.dumps({"release_public_key": "not a key"}), encoding="utf-8")
    eff = st.load_settings()
    assert eff.values.release_public_key == "" and any("release_public_key" in w for w in eff.warnings)
    assert eff.rejected == {"release_public_key"}
    with pytest.raises(release.NoReleaseKey, match="names a release key that cannot be used"):
        release.trusted_key()


def test_a_policy_from_the_environment_cannot_name_the_release_key(signed, no_policy: Path, tmp_path: Path,
                                                                   capsys) -> None:
    """$REPDESK_POLICY is the rep's to set: a key in it is ignored, so it cannot make a forged release verify."""
    dist, _, _ = signed
    forger = tmp_path / "forger.pem"
    release.generate_private_key(forger)
    no_policy.parent.mkdir(parents=True)
    no_policy.write_text(json.dumps({"release_public_key": sign.policy_value(
        release.load_private_key(forger).public_key())}), encoding="utf-8")
    eff = st.load_settings()
    assert eff.values.release_public_key == ""
    assert any("release_public_key in" in w and "ignored" in w for w in eff.warnings)
    assert cli.main(["verify", str(dist)]) == 1
    assert "no release key to check against" in capsys.readouterr().err


def test_damaged_inputs_are_refused_in_one_line(signed, tmp_path: Path, capsys) -> None:
    dist, _, _ = signed
    pub = dist / release.PUBLIC_KEY_NAME
    with pytest.raises(release.VerifyRefused, match="only plain file names"):
        release.parse_sums(f"{'a' * 64}  ../outside.txt\n")
    with pytest.raises(release.VerifyRefused, match="each once"):
        release.parse_sums(f"{'a' * 64}  x.deb\n{'b' * 64}  x.deb\n")
    odd = tmp_path / "odd"
    (odd / "SHA256SUMS").mkdir(parents=True)                  # a folder where the list should be
    (odd / "x.deb").write_bytes(b"x")
    assert cli.main(["verify", str(odd / "x.deb"), "--key", str(pub)]) == 1
    assert capsys.readouterr().err.startswith("REFUSED: the checksum list SHA256SUMS is a folder, not a file")
    # a key taken from the artefacts' own folder works, with a note on what it does not prove
    assert cli.main(["verify", str(dist / "repdesk_0.1.0_amd64.deb"), "--key", str(pub)]) == 0
    assert "note: the public key came from the same folder as the artefacts" in capsys.readouterr().err
    # sign.py: a named file that is not there
    assert sign.main([str(dist), "missing.deb"]) == 1
    assert capsys.readouterr().err.strip() == f"sign.py: error: not a file in {dist}: missing.deb"


def test_no_key_anywhere_is_a_clear_error(signed, capsys) -> None:
    dist, _, _ = signed
    assert release.pinned_key_text() is None             # from source: only frozen builds pin a key
    assert cli.main(["verify", str(dist)]) == 1
    assert "no release key to check against" in capsys.readouterr().err


def test_load_public_key_forms() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    key = ed25519.Ed25519PrivateKey.generate().public_key()
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert release.key_id(release.load_public_key(base64.b64encode(raw).decode())) == release.key_id(key)
    assert release.key_id(release.load_public_key(release.public_pem(key))) == release.key_id(key)
    rsa_pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(InvalidInput, match="not an Ed25519 key"):
        release.load_public_key(rsa_pem)
    for junk in ("", "hello", base64.b64encode(b"x" * 31).decode(), "-----BEGIN PUBLIC KEY-----\nzz\n"):
        with pytest.raises(InvalidInput):
            release.load_public_key(junk)


def test_sign_without_key_env_and_verify_script(signed, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    dist, _, _ = signed
    monkeypatch.delenv(sign.KEY_ENV)
    assert sign.main([str(dist)]) == 1
    assert f"set {sign.KEY_ENV}" in capsys.readouterr().err
    assert verify_script.main([str(dist / "repdesk_0.1.0_amd64.deb"), "--key",
                               str(dist / release.PUBLIC_KEY_NAME)]) == 0
    assert capsys.readouterr().out.startswith("OK: repdesk_0.1.0_amd64.deb sha256 ")
    tamper(dist / "repdesk_0.1.0_amd64.deb", 1)
    assert verify_script.main([str(dist / "repdesk_0.1.0_amd64.deb"), "--key",
                               str(dist / release.PUBLIC_KEY_NAME)]) == 1
    assert "REFUSED: repdesk_0.1.0_amd64.deb does not match its signed checksum" in capsys.readouterr().err
