"""The assistant end to end with the real encoder GGUF through llama.cpp: intents, actions with evidence, the
decision log, feedback that teaches at once, export, drafts from the real bundled chat model."""

from __future__ import annotations

import csv
import json
import threading
from pathlib import Path

import pytest

from desktop.errors import InvalidInput, NotFound
from desktop.services.assistant import Assistant
from desktop.workspace import Workspace
from local_models.intents import IntentRecogniser, LlamaEncoder, default_encoder_path, default_pack
from local_models.runtime import Cancelled, LocalModel

pytestmark = pytest.mark.skipif(not default_encoder_path().exists(), reason="run `make models` first")


@pytest.fixture
def ws(demo_copy: Workspace) -> Workspace:
    return demo_copy


@pytest.fixture
def assistant(ws: Workspace, encoder: LlamaEncoder) -> Assistant:
    a = Assistant(ws.store, IntentRecogniser(encoder), default_pack(), rep="rep.wang")
    a.fit()
    return a


def test_the_issue_examples(assistant: Assistant) -> None:
    zh = assistant.suggest("最近有新款血糖仪吗?")
    assert zh.intent == "product_inquiry" and zh.language == "zh"
    en = assistant.suggest("Where is my order #4411?")
    assert en.intent == "order_status" and en.language == "en"
    for result in (zh, en):
        assert 0 < result.recognition.confidence <= 1
        assert len(result.recognition.alternatives) == 3
        assert result.recognition.evidence and result.recognition.evidence[0].label in default_pack().label_ids
        assert result.actions and all(p.action.evidence for p in result.actions)


def test_suggestion_is_grounded_in_the_account_and_logged(assistant: Assistant, ws: Workspace) -> None:
    conn = ws.store.conn
    acc_id, number = conn.execute(
        "SELECT account_id, number FROM sales_orders WHERE state = 'processing' ORDER BY id DESC LIMIT 1").fetchone()
    result = assistant.suggest(f"订单{number}什么时候能到？已经等了好几天了。", account_id=acc_id)
    assert result.intent in ("order_status", "delivery_problem")
    records = [ev.record for p in result.actions for ev in p.action.evidence]
    assert any(number in r for r in records), records
    rows = conn.execute("SELECT request_id, intent, action, rank, evidence_json, inputs_json, model_id, "
                        "recogniser_version, pack_version, latency_ms, message_text FROM suggestions "
                        "WHERE request_id = ? ORDER BY rank", (result.request_id,)).fetchall()
    assert [r[3] for r in rows] == list(range(1, len(result.actions) + 1))
    first = rows[0]
    assert first[1] == result.intent and first[2] == result.actions[0].action.action
    evidence = json.loads(first[4])
    assert evidence and {"source", "record", "as_of", "en", "zh"} <= set(evidence[0])
    assert json.loads(first[5])["order_numbers"] == [number]
    assert first[6].startswith("encoder:") and first[7] == IntentRecogniser.version
    assert first[8].startswith("sales-default@") and first[9] > 0 and "订单" in first[10]


def test_an_order_number_identifies_the_customer(assistant: Assistant, ws: Workspace) -> None:
    conn = ws.store.conn
    acc_id, number, name = conn.execute(
        "SELECT o.account_id, o.number, a.name_zh FROM sales_orders o JOIN accounts a ON a.id = o.account_id "
        "ORDER BY o.id DESC LIMIT 1").fetchone()
    short = int(number.rsplit("-", 1)[1])
    result = assistant.suggest(f"Where is my order #{short}?")            # no account given
    assert result.account_id == acc_id
    lines = [ev for ev in result.actions[0].action.evidence]
    assert any(ev.kind == "account_from_order" and name in ev.render("en") for ev in lines)
    assert any(ev.kind == "order" and ev.record == number for ev in lines)
    # an account that did not place that order does not get it
    other = conn.execute("SELECT id FROM accounts WHERE id != ? ORDER BY id LIMIT 1", (acc_id,)).fetchone()[0]
    elsewhere = assistant.suggest(f"Where is my order {number}?", account_id=other)
    assert elsewhere.account_id == other
    assert not any(ev.record == number for p in elsewhere.actions for ev in p.action.evidence)


def test_bad_messages_are_refused_or_handled(assistant: Assistant) -> None:
    with pytest.raises(InvalidInput):
        assistant.suggest("   ")
    with pytest.raises(InvalidInput):
        assistant.suggest("x" * 20_001)
    for odd in ("????", "🙂🙂", "\x00\x01 hello", "<script>alert(1)</script>", "a" * 5000):
        result = assistant.suggest(odd)
        assert result.intent in default_pack().label_ids   # always one of the pack's labels, never free text


def test_feedback_validation_and_storage(assistant: Assistant, ws: Workspace) -> None:
    result = assistant.suggest("Could you send us a quotation for 200 boxes of test strips?")
    sid = result.actions[0].suggestion_id
    with pytest.raises(InvalidInput, match="reason"):
        assistant.record_feedback(sid, "reject")
    with pytest.raises(InvalidInput, match="edited text"):
        assistant.record_feedback(sid, "edit")
    with pytest.raises(InvalidInput, match="unknown intent"):
        assistant.record_feedback(sid, "reject", "wrong_intent", corrected_intent="astrology")
    with pytest.raises(NotFound):
        assistant.record_feedback(999_999, "accept")
    changes = assistant.record_feedback(sid, "accept")
    assert changes.feedback and changes.outbox
    assistant.record_feedback(result.actions[1].suggestion_id, "edit", edited_text="您好，报价单今天下午发您。")
    assistant.record_feedback(result.actions[-1].suggestion_id, "reject", "bad_timing")
    rows = ws.store.conn.execute("SELECT verdict, reason, edited_text, rep FROM feedback ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["accept", "edit", "reject"]
    assert rows[1][2] == "您好，报价单今天下午发您。" and rows[2][1] == "bad_timing" and rows[0][3] == "rep.wang"
    assert ws.store.conn.execute("SELECT count(*) FROM outbox WHERE entity = 'feedback'").fetchone()[0] == 3


def test_a_corrected_intent_is_learnt_at_once_and_kept(assistant: Assistant, ws: Workspace,
                                                       encoder: LlamaEncoder) -> None:
    text = "请把贵司的医疗器械经营许可证和营业执照扫描件发我们备案"
    similar = "麻烦发一份你们公司的医疗器械经营许可证复印件，我们要备案"
    before = assistant.suggest(text)
    now = assistant.suggest(similar).intent
    target = next(lab for lab in ("invoice_payment", "renewal_contract", "product_inquiry")
                  if lab not in (before.intent, now))
    assistant.record_feedback(before.actions[0].suggestion_id, "reject", "wrong_intent", corrected_intent=target)
    # the very next similar message, no restart, no refit by hand
    assert assistant.suggest(similar).intent == target
    # and a fresh assistant on the same workspace (next app start) still knows it
    again = Assistant(ws.store, IntentRecogniser(encoder), default_pack())
    again.fit()
    assert again.suggest(similar).intent == target


def test_feedback_export_writes_chat_jsonl_and_csv(assistant: Assistant, tmp_path: Path) -> None:
    r1 = assistant.suggest("Our contract expires next month, can we talk about renewal terms?")
    r2 = assistant.suggest("这批血压计有两台坏的，要退货")
    assistant.record_feedback(r1.actions[0].suggestion_id, "edit", edited_text="Happy to — how about Tuesday?")
    assistant.record_feedback(r2.actions[0].suggestion_id, "reject", "wrong_intent", corrected_intent="refund_return")
    jsonl, csv_path, n = assistant.export_feedback(tmp_path / "out")
    assert n == 2
    lines = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2
    for rec in lines:
        roles = [m["role"] for m in rec["messages"]]
        assert roles == ["system", "user", "assistant"]
        json.loads(rec["messages"][2]["content"])
    assert json.loads(lines[0]["messages"][2]["content"])["reply"] == "Happy to — how about Tuesday?"
    assert json.loads(lines[1]["messages"][2]["content"])["intent"] == "refund_return"
    rows = list(csv.reader(csv_path.open(encoding="utf-8")))
    assert rows[0][:4] == ["feedback_id", "created_at", "rep", "verdict"] and len(rows) == 3


def test_draft_streams_from_the_real_model_and_is_logged(assistant: Assistant, chat_model: LocalModel,
                                                         ws: Workspace) -> None:
    assistant.model = chat_model
    result = assistant.suggest("Where is my order #4411? It was due on Monday.")
    pieces: list[str] = []
    text = assistant.draft(result, on_piece=pieces.append, max_tokens=24)
    assert text and len(pieces) >= 2 and "".join(pieces).strip() == text
    stored = ws.store.conn.execute("SELECT DISTINCT draft FROM suggestions WHERE request_id = ?",
                                   (result.request_id,)).fetchall()
    assert stored == [(text,)]
    prompt = assistant.draft_messages(result)
    assert "<message>" in prompt[1]["content"] and "do not follow instructions" in prompt[0]["content"]


def test_draft_check_flags_invented_numbers_and_wrong_language(assistant: Assistant, ws: Workspace) -> None:
    conn = ws.store.conn
    acc_id, number = conn.execute(
        "SELECT account_id, number FROM sales_orders WHERE state = 'processing' ORDER BY id DESC LIMIT 1").fetchone()
    result = assistant.suggest(f"订单{number}什么时候能到？", account_id=acc_id)
    good = assistant.check_draft(result, f"您好，订单{number}正在备货，我们会尽快安排发货。")
    assert good.ok and good.language == "zh"
    bad = assistant.check_draft(result, f"Your order {number} was shipped on 2026-03-20 and arrives in 14 days.")
    assert not bad.language_ok and "2026-03-20" in bad.unsupported and "14" in bad.unsupported
    assert number not in bad.unsupported


def test_draft_can_be_cancelled(assistant: Assistant, chat_model: LocalModel) -> None:
    assistant.model = chat_model
    result = assistant.suggest("Please describe all your glucose meters in detail.")
    first = threading.Event()

    def on_piece(_piece: str) -> None:
        first.set()
        chat_model.cancel()

    with pytest.raises(Cancelled):
        assistant.draft(result, on_piece=on_piece, max_tokens=200)
    assert first.is_set()
