"""`make dist`: the frozen RepDesk bundle, its Linux artefacts, checksums and signature, in one run.

    python installer/build.py [--dist dist] [--no-model] [--deb-compression zstd|xz|gzip|none] [--no-self-test]

Steps (each timed and printed; any failure stops the build with a one-line reason):

1. check that the llama.cpp in this environment is a portable build (no AVX-512/AMX kernels);
2. find the signing key (``$REPDESK_SIGNING_KEY``; without it a throwaway key is generated in memory and the
   artefacts are marked as not for distribution) and pin its public half into the bundle;
3. PyInstaller with installer/repdesk.spec → build/bundle/repdesk/ (one folder, one executable);
4. strip libpython and the lib-dynload extensions (never numpy's OpenBLAS, which stripping breaks);
5. run the frozen ``repdesk --self-test`` in a throwaway home (skippable with --no-self-test);
6. ``repdesk-<version>-linux-<machine>.tar.gz`` (reproducible: sorted, owner root, fixed times) and
   ``repdesk_<version>_<arch>.deb`` (dpkg-deb: /opt/repdesk, /usr/bin/repdesk, desktop entry, icon, AppStream);
7. BUILDINFO.json, SHA256SUMS, SHA256SUMS.sig and repdesk-release.pub; the signature is verified once more.

The bundle runs on Linux with the build host's glibc or newer (BUILDINFO.json records it): build on the oldest
distribution you support.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gzip
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desktop import __version__, release  # noqa: E402
from desktop.errors import RepDeskError  # noqa: E402

APP_ID = "com.repdesk.RepDesk"
DEB_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "armhf"}
# System libraries the bundled Qt loads (the xcb platform plugin, EGL/GL, fonts, D-Bus); Debian 12 names.
DEB_DEPENDS = ("libfontconfig1, libfreetype6, libx11-6, libx11-xcb1, libxcb1, libxcb-cursor0, libxkbcommon0, "
               "libxkbcommon-x11-0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, "
               "libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, libxcb-xkb1, libegl1, libgl1, libdbus-1-3")


class BuildFailed(RepDeskError):
    code = "build_failed"


def log(message: str) -> None:
    print(f"[dist] {message}", flush=True)


class Timer:
    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    def run(self, name: str, fn, *args, **kwargs):
        t0 = time.perf_counter()
        result = fn(*args, **kwargs)
        self.times[name] = round(time.perf_counter() - t0, 1)
        log(f"{name}: {self.times[name]:.1f} s")
        return result


def source_date_epoch() -> int:
    """Fixed file times for reproducible archives: $SOURCE_DATE_EPOCH, else the last commit's time."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"], capture_output=True, text=True,
                             check=True).stdout.strip()
        return int(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return 0


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return out + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def folder_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


# -- steps -------------------------------------------------------------------------------------------------------

def check_llama(allow_native: bool) -> str:
    from local_models.runtime import runtime_info

    info = runtime_info()
    if not info.available:
        raise BuildFailed(f"llama-cpp-python cannot be loaded here: {info.error}")
    if not info.portable and not allow_native:
        raise BuildFailed("this llama-cpp-python uses AVX-512/AMX kernels and would crash on older laptops: "
                          "rebuild it with CMAKE_ARGS=-DGGML_NATIVE=OFF (the Makefile does)")
    return info.system_info


def signing_key():
    """The release key and whether it is a throwaway (no $REPDESK_SIGNING_KEY). A throwaway key lives in memory
    only: its file is deleted at once, so nobody can sign for the build that pins it later."""
    sys.path.insert(0, str(ROOT / "installer"))
    import sign

    if os.environ.get(sign.KEY_ENV):
        return sign.signing_key(), False
    with tempfile.TemporaryDirectory(prefix="repdesk-throwaway-key-") as folder:
        path = Path(folder) / "throwaway-ed25519.pem"
        release.generate_private_key(path)
        key = release.load_private_key(path)
    log(f"no ${sign.KEY_ENV}: signing with a THROWAWAY key (kept in memory only); these artefacts are for "
        "testing only")
    return key, True


def child_env(**extra: str) -> dict[str, str]:
    """The environment for tools we run (PyInstaller runs hook code): never the signing key's path or passphrase."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPDESK_SIGNING_KEY")}
    env.update(extra)
    return env


def normalise_modes(root: Path) -> None:
    """Folders and executables 0755, everything else 0644, whatever the builder's umask was."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        executable = path.is_dir() or path.stat().st_mode & 0o111
        path.chmod(0o755 if executable else 0o644)


def pin_key(build: Path, key) -> Path:
    folder = build / "pinned"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / release.PINNED_RESOURCE).write_bytes(release.public_pem(key.public_key()))
    return folder


def pyinstaller(build: Path, pinned: Path, bundle_model: bool) -> Path:
    env = child_env(REPDESK_PINNED_KEY=str(pinned), REPDESK_BUNDLE_MODEL="1" if bundle_model else "0")
    out = build / "bundle"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
           "--distpath", str(out), "--workpath", str(build / "pyinstaller"), str(ROOT / "installer" / "repdesk.spec")]
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-25:])
        raise BuildFailed(f"PyInstaller failed (exit {proc.returncode}):\n{tail}")
    for line in (proc.stdout + proc.stderr).splitlines():
        if line.startswith("repdesk.spec:") or ("WARNING" in line and "Library not found" in line
                                                and "libqgtk3" not in line):     # the GTK plugin is dropped
            log(line.strip())
    bundle = out / "repdesk"
    if not (bundle / "repdesk").exists():
        raise BuildFailed(f"PyInstaller produced no executable in {bundle}")
    return bundle


def strip_safe(bundle: Path) -> int:
    """Strip what is safe to strip: libpython and the standard library's extension modules."""
    strip = shutil.which("strip")
    if strip is None:
        log("no `strip` on this machine: skipped")
        return 0
    targets = [p for p in bundle.rglob("libpython3*.so*") if p.is_file() and not p.is_symlink()]
    targets += [p for p in bundle.rglob("lib-dynload/*.so") if p.is_file()]
    before = sum(p.stat().st_size for p in targets)
    if targets:
        subprocess.run([strip, "--strip-unneeded", *map(str, targets)], check=True)
    return before - sum(p.stat().st_size for p in targets)


def isolated_env(home: Path) -> dict[str, str]:
    """An environment for running the frozen app as a new user would: its own home and XDG folders, no keyring,
    none of our (or Python's, or Qt's) variables from the builder's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "REPDESK_", "PYTHON", "QT_"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=f"{home}/config", XDG_DATA_HOME=f"{home}/data",
               XDG_CACHE_HOME=f"{home}/cache", XDG_STATE_HOME=f"{home}/state",
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return env


def self_test(executable: Path, expect_model: bool) -> str:
    """The frozen `repdesk --self-test`, offscreen, in a throwaway home (the builder's settings stay untouched)."""
    with tempfile.TemporaryDirectory(prefix="repdesk-dist-home-") as home:
        proc = subprocess.run([str(executable), "--self-test"], env=isolated_env(Path(home)), capture_output=True,
                              text=True, timeout=600)
    line = (proc.stdout.strip().splitlines() or [""])[-1]
    wanted = [" self-test OK", " painted in zh_CN"] + ([" decoded ("] if expect_model else [])
    if proc.returncode != 0 or not all(w in line for w in wanted):
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise BuildFailed(f"the frozen self-test failed (exit {proc.returncode}):\n{tail}")
    return line


def linux_share(into: Path, version: str) -> None:
    """Desktop entry, icon, AppStream metadata in the freedesktop layout under `into` (…/share)."""
    (into / "applications").mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "installer" / "linux" / f"{APP_ID}.desktop", into / "applications" / f"{APP_ID}.desktop")
    icons = into / "icons" / "hicolor" / "scalable" / "apps"
    icons.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "ui" / "assets" / "repdesk.svg", icons / f"{APP_ID}.svg")
    meta = into / "metainfo"
    meta.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "installer" / "linux" / f"{APP_ID}.metainfo.xml").read_text(encoding="utf-8")
    date = _dt.datetime.fromtimestamp(source_date_epoch() or time.time(), _dt.UTC).date().isoformat()
    (meta / f"{APP_ID}.metainfo.xml").write_text(text.replace("@VERSION@", version).replace("@DATE@", date),
                                                  encoding="utf-8")


def make_tarball(bundle: Path, dist: Path, version: str, machine: str, epoch: int) -> Path:
    top = f"repdesk-{version}"
    staging = bundle.parent / "tar-staging"
    shutil.rmtree(staging, ignore_errors=True)
    linux_share(staging / "share", version)
    shutil.copy2(ROOT / "installer" / "policy.example.json", staging / "policy.example.json")
    target = dist / f"repdesk-{version}-linux-{machine}.tar.gz"

    def add(tar: tarfile.TarFile, path: Path, arcname: str) -> None:
        info = tar.gettarinfo(str(path), arcname)
        if not info.issym():
            info.mode = 0o755 if info.isdir() or info.mode & 0o111 else 0o644
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        info.mtime = epoch
        if info.isfile():
            with open(path, "rb") as fh:
                tar.addfile(info, fh)
        else:
            tar.addfile(info)

    with open(target, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6,
                                                   mtime=epoch) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for base in (bundle, staging):
            for path in sorted([base, *base.rglob("*")]):
                rel = path.relative_to(base).as_posix()
                if base is staging and rel == ".":
                    continue
                add(tar, path, top if rel == "." else f"{top}/{rel}")
    return target


def make_deb(bundle: Path, dist: Path, version: str, arch: str, compression: str, glibc: str) -> Path:
    root = bundle.parent / "deb-root"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(bundle, root / "opt" / "repdesk", symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "repdesk").symlink_to("../../opt/repdesk/repdesk")
    linux_share(root / "usr" / "share", version)
    doc = root / "usr" / "share" / "doc" / "repdesk"
    doc.mkdir(parents=True)
    shutil.copy2(ROOT / "installer" / "policy.example.json", doc / "policy.example.json")
    (doc / "copyright").write_text(
        "RepDesk - proprietary.\nBundled third-party components keep their own licences: Qt and PySide6 (LGPLv3), "
        "llama.cpp (MIT), SQLite3 Multiple Ciphers (MIT), SmolLM2-135M-Instruct (Apache-2.0), "
        "multilingual-e5-small (MIT), CPython (PSF).\n", encoding="utf-8")
    debian = root / "DEBIAN"
    debian.mkdir()
    md5 = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and debian not in path.parents:
            md5.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {path.relative_to(root).as_posix()}\n")
    (debian / "md5sums").write_text("".join(md5), encoding="utf-8")
    installed_kib = (folder_size(root) + 1023) // 1024
    (debian / "control").write_text(
        f"Package: repdesk\nVersion: {version}\nArchitecture: {arch}\nMaintainer: RepDesk IT <it@repdesk.invalid>\n"
        f"Installed-Size: {installed_kib}\nDepends: libc6 (>= {glibc}), {DEB_DEPENDS}\n"
        "Recommends: fonts-noto-cjk, gnome-keyring | kwalletmanager\nSection: misc\nPriority: optional\n"
        "Description: offline-first assistant for field sales reps\n"
        " RepDesk keeps a rep's accounts, orders, stock and promotions in an encrypted local\n"
        " database, syncs with the company's CRM/ERP, and suggests next-best actions with a\n"
        " local language model that runs on the laptop. IT policy: /etc/xdg/RepDesk/policy.json\n"
        " (template in /usr/share/doc/repdesk/policy.example.json).\n", encoding="utf-8")
    target = dist / f"repdesk_{version}_{arch}.deb"
    cmd = ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(root), str(target)]
    normalise_modes(root)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=child_env(SOURCE_DATE_EPOCH=str(source_date_epoch())))
    if proc.returncode != 0:
        raise BuildFailed(f"dpkg-deb failed: {(proc.stderr or proc.stdout).strip()}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="installer/build.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the artefacts go (default: dist)")
    parser.add_argument("--build", type=Path, default=ROOT / "build" / "dist-work", help="work folder")
    parser.add_argument("--no-model", action="store_true", help="leave the default chat model out (-98 MB)")
    parser.add_argument("--deb-compression", default="zstd", choices=("zstd", "xz", "gzip", "none"),
                        help="zstd (default: seconds; dpkg on Debian 12 / Ubuntu 24.04 reads it) or xz "
                             "(minutes, a little smaller: the models inside do not compress)")
    parser.add_argument("--no-deb", action="store_true", help="only the .tar.gz (machines without dpkg-deb)")
    parser.add_argument("--no-self-test", action="store_true", help="skip running the frozen self-test")
    parser.add_argument("--allow-native-llama", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if sys.platform != "linux":
        print("build.py builds the Linux artefacts; for Windows and macOS follow the README's 'For IT' steps "
              "(the spec is the same)", file=sys.stderr)
        return 1
    timer = Timer()
    t0 = time.perf_counter()
    try:
        dist, build = args.dist.resolve(), args.build.resolve()
        build.mkdir(parents=True, exist_ok=True)
        dist.mkdir(parents=True, exist_ok=True)
        for old in [*dist.glob("repdesk*"), *(dist / n for n in ("SHA256SUMS", "SHA256SUMS.sig", "BUILDINFO.json"))]:
            if old.is_file():
                old.unlink()
        system_info = timer.run("check llama.cpp", check_llama, args.allow_native_llama)
        key, throwaway = signing_key()
        pinned = pin_key(build, key)
        bundle = timer.run("pyinstaller", pyinstaller, build, pinned, not args.no_model)
        saved = timer.run("strip", strip_safe, bundle)
        size = folder_size(bundle)
        log(f"bundle {bundle}: {size / 1e6:.0f} MB ({saved / 1e6:.1f} MB saved by stripping)")
        selftest_line = "skipped"
        if not args.no_self_test:
            selftest_line = timer.run("frozen self-test", self_test, bundle / "repdesk", not args.no_model)
            log(selftest_line)
        machine = platform.machine()
        glibc = platform.libc_ver()[1] or "2.36"
        epoch = source_date_epoch()
        artefacts = [timer.run("tar.gz", make_tarball, bundle, dist, __version__, machine, epoch)]
        if not args.no_deb:
            if shutil.which("dpkg-deb") is None:
                raise BuildFailed("dpkg-deb is not installed (apt install dpkg-dev), or pass --no-deb")
            artefacts.append(timer.run("deb", make_deb, bundle, dist, __version__, DEB_ARCH.get(machine, machine),
                                       args.deb_compression, glibc))
        info = {
            "name": "repdesk", "version": __version__, "commit": git_commit(),
            "built_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "platform": f"linux-{machine}", "glibc_min": glibc, "python": platform.python_version(),
            "pyinstaller": _version_of("pyinstaller"), "llama_cpp_python": _version_of("llama-cpp-python"),
            "llama_cpu_features": system_info, "bundled_model": not args.no_model,
            "bundle_bytes": size, "artefacts": {p.name: p.stat().st_size for p in artefacts},
            "signing_key_id": release.key_id(key.public_key()), "throwaway_key": throwaway,
            "self_test": selftest_line, "seconds": timer.times,
        }
        (dist / "BUILDINFO.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        names = [p.name for p in artefacts] + ["BUILDINFO.json"]
        timer.run("sign", release.sign_release, dist, names, key)
        results = release.verify(dist, key=dist / release.PUBLIC_KEY_NAME)
    except (RepDeskError, OSError, subprocess.SubprocessError) as exc:
        print(f"[dist] FAILED: {exc}", file=sys.stderr)
        return 1
    for result in results:
        log(result.line())
    total = time.perf_counter() - t0
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.0f} MB" for p in artefacts)
    log(f"done in {total:.0f} s: bundle {size / 1e6:.0f} MB; {sizes}; signed with key "
        f"{release.key_id(key.public_key())}{' (THROWAWAY)' if throwaway else ''} → {dist}")
    return 0


def _version_of(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
