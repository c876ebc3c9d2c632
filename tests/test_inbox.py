"""The Inbox, offscreen, on a private copy of the encrypted demo store with the real encoder GGUF (and the real
bundled chat model for drafts): list, cards with evidence, feedback that teaches, drafts, paste and .eml import."""

from __future__ import annotations

import datetime
import email.utils
from concurrent.futures import Future
from email.message import EmailMessage
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from desktop.errors import InvalidInput
from desktop.services.assistant import Assistant
from desktop.services.inbox import InboxService, html_to_text
from desktop.workspace import Workspace
from local_models.intents import IntentRecogniser, LlamaEncoder, default_encoder_path, default_pack
from ui import ops
from ui.inbox import InboxView

WAIT = 60_000
needs_encoder = pytest.mark.skipif(not default_encoder_path().exists(), reason="run `make models` first")


@pytest.fixture
def ws(demo_copy: Workspace) -> Workspace:
    return demo_copy


@pytest.fixture
def service(ws: Workspace):
    svc = InboxService(ws.store, rep="rep.wang")
    yield svc
    ops.shutdown()
    svc.close()


@pytest.fixture
def assistant(ws: Workspace, encoder: LlamaEncoder) -> Assistant:
    a = Assistant(ws.store, IntentRecogniser(encoder), default_pack(), rep="rep.wang")
    a.fit()
    return a


def ready(value) -> Future:
    f: Future = Future()
    f.set_result(value)
    return f


@pytest.fixture
def make_view(qtbot, ws: Workspace, service: InboxService):
    def make(provider) -> InboxView:
        view = InboxView(ws, service, provider)
        qtbot.addWidget(view)
        view.resize(1400, 900)
        view.show()
        qtbot.waitUntil(lambda: view.loads_done >= 1, timeout=WAIT)
        return view
    return make


def wait_cards(qtbot, view: InboxView, message_id: int) -> None:
    qtbot.waitUntil(lambda: view.result is not None and view.result.message_id == message_id and bool(view.cards),
                    timeout=WAIT)


def feedback_rows(ws: Workspace) -> list[tuple]:
    return ws.store.conn.execute("SELECT suggestion_id, verdict, reason, corrected_intent, edited_text FROM feedback "
                                 "ORDER BY id").fetchall()


# -- the service ---------------------------------------------------------------------------------------------
def test_add_message_validates_detects_language_and_matches_the_sender(ws: Workspace, service: InboxService) -> None:
    for bad in ("", "   \n ", "x" * 20_001):
        with pytest.raises(InvalidInput):
            service.add_message(bad)
    before = ws.store.conn.execute("SELECT count(*) FROM inbound_messages").fetchone()[0]
    acc_id, contact_id, addr = ws.store.conn.execute(
        "SELECT account_id, id, email FROM contacts WHERE email != '' ORDER BY id LIMIT 1").fetchone()
    mid, changes = service.add_message("最近有新款血糖仪吗?", sender=addr.upper(), channel="email")
    assert changes.messages
    item = service.message(mid)
    assert item.language == "zh" and item.account_id == acc_id and item.contact_id == contact_id
    assert item.status == "new" and item.intent is None and item.preview == "最近有新款血糖仪吗?"
    assert service.messages(limit=1)[0].id == mid          # newest first
    mid2, _ = service.add_message("Where is my order?", account_id=acc_id)
    assert service.message(mid2).language == "en" and service.message(mid2).account_id == acc_id
    assert ws.store.conn.execute("SELECT count(*) FROM inbound_messages").fetchone()[0] == before + 2
    service.set_status(mid, "done")
    assert service.message(mid).status == "done"
    with pytest.raises(InvalidInput):
        service.set_status(mid, "flying")


def test_messages_carry_urgency_and_html_is_stripped(service: InboxService) -> None:
    items = service.messages(limit=500)
    assert items and [i.received_at for i in items] == sorted((i.received_at for i in items), reverse=True)
    old = [i for i in items if i.hours_waiting >= 24 and i.status in ("new", "read")]
    assert old and all(i.urgent for i in old)
    assert not any(i.urgent for i in items if i.status == "done")
    text = html_to_text("<html><style>p{}</style><p>Hello&nbsp;<b>there</b></p><p>Line&amp;2</p></html>")
    assert text == "Hello there\n\nLine&2"


# -- the view -----------------------------------------------------------------------------------------------
@needs_encoder
def test_lists_newest_first_and_waits_for_the_assistant(qtbot, make_view, ws: Workspace,
                                                        assistant: Assistant) -> None:
    pending: Future = Future()
    view = make_view(lambda: pending)
    total = ws.store.conn.execute("SELECT count(*) FROM inbound_messages").fetchone()[0]
    assert view.model.rowCount() == min(total, view.LIMIT) > 10
    times = [view.model.item(r).received_at for r in range(view.model.rowCount())]
    assert times == sorted(times, reverse=True)
    # the first message is selected and its text shown; the panel says the assistant is being prepared
    first = view.model.item(0)
    assert view.current is not None and view.current.id == first.id
    assert first.body[:20] in view.message_text.toPlainText()
    qtbot.waitUntil(lambda: "Preparing the on-device assistant" in view.status_label.text(), timeout=WAIT)
    view.status_box.setCurrentIndex(view.status_box.findData("done"))        # still usable meanwhile
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and all(view.model.item(r).status == "done"
                                                              for r in range(view.model.rowCount())), timeout=WAIT)
    view.status_box.setCurrentIndex(0)
    qtbot.waitUntil(lambda: view.model.rowCount() == min(total, view.LIMIT), timeout=WAIT)
    pending.set_result(assistant)
    wait_cards(qtbot, view, view.current.id)
    assert view.model.intent_text(view.model.item(view.model.row_of(view.current.id)))


@needs_encoder
def test_selecting_shows_intent_cards_and_evidence_without_recomputing(qtbot, make_view, ws: Workspace,
                                                                       assistant: Assistant) -> None:
    view = make_view(lambda: ready(assistant))
    wait_cards(qtbot, view, view.model.item(0).id)
    view.table.selectRow(3)
    target = view.model.item(3).id
    wait_cards(qtbot, view, target)
    assert "Intent:" in view.intent_label.text() and "%" in view.intent_label.text()
    assert "Because it resembles" in view.because_label.text()
    assert view.alternatives_label.text().startswith("Alternatives:")
    card = view.cards[0]
    assert card.title_label.text() and card.evidence_labels
    assert all(lbl.text().startswith("• ") and len(lbl.text()) > 4 for lbl in card.evidence_labels)
    assert card.accept_button.isEnabled() and card.reject_button.isEnabled()
    logged = ws.store.conn.execute("SELECT count(*) FROM suggestions WHERE message_id = ?", (target,)).fetchone()[0]
    assert logged == len(view.cards)
    # the list shows the intent chip at once
    assert view.model.item(view.model.row_of(target)).intent == view.result.intent
    QApplication.processEvents()
    view.grab().save("/tmp/inbox.png")
    # selecting it again reuses the decision log: no new request
    request = view.result.request_id
    view.table.selectRow(0)
    wait_cards(qtbot, view, view.model.item(0).id)
    view.table.selectRow(view.model.row_of(target))
    wait_cards(qtbot, view, target)
    assert view.result.request_id == request
    assert ws.store.conn.execute("SELECT count(*) FROM suggestions WHERE message_id = ?",
                                 (target,)).fetchone()[0] == logged


@needs_encoder
def test_flow_paste_edit_accept_then_a_correction_is_learnt(qtbot, make_view, ws: Workspace,
                                                            assistant: Assistant) -> None:
    view = make_view(lambda: ready(assistant))
    qtbot.waitUntil(lambda: view.assistant is not None, timeout=WAIT)
    errors: list[str] = []
    ops.signals().error_reported.connect(errors.append)

    # 1. a new message through the dialog, with an account picked from the search
    acc_id, name = ws.store.conn.execute(
        "SELECT id, name_zh FROM accounts WHERE deleted = 0 ORDER BY id LIMIT 1").fetchone()
    view.new_message_action.trigger()
    dialog = view.new_message_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.text_edit.setPlainText("Could you send us a quotation for 200 boxes of glucose test strips?")
    dialog.search_box.setText(name[:4])
    qtbot.waitUntil(lambda: dialog.results.count() > 0, timeout=WAIT)
    row = next(r for r in range(dialog.results.count())
               if dialog.results.item(r).data(Qt.ItemDataRole.UserRole) == acc_id)
    dialog.results.setCurrentRow(row)
    assert dialog.account_id == acc_id
    with qtbot.waitSignal(view.message_added, timeout=WAIT) as added:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    mid = added.args[0]
    assert not dialog.isVisible()
    wait_cards(qtbot, view, mid)
    assert view.current.id == mid and view.current.account_id == acc_id
    assert view.model.row_of(mid) == 0
    assert view.result.intent == "quote_request"

    # 2. edit the top suggestion's reply, then accept it with Ctrl+Enter
    top = view.cards[0]
    top.edit_button.click()
    edit = view.edit_dialog
    edit.editor.setPlainText("您好，报价单今天下午发您。")
    edit.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: top.state == "edit" and not edit.isVisible(), timeout=WAIT)
    assert view.draft_edit.toPlainText() == "您好，报价单今天下午发您。"
    view.accept_top_action.trigger()
    qtbot.waitUntil(lambda: top.state == "accept", timeout=WAIT)
    assert not top.accept_button.isEnabled() and "Accepted" in top.state_label.text()
    rows = feedback_rows(ws)
    assert [(r[0], r[1]) for r in rows] == [(top.suggestion_id, "edit"), (top.suggestion_id, "accept")]
    assert rows[0][4] == "您好，报价单今天下午发您。"
    assert ws.store.conn.execute("SELECT count(*) FROM outbox WHERE entity = 'feedback'").fetchone()[0] == 2

    # 3. correct the intent of another message via Reject → wrong intent
    text = "请把贵司的医疗器械经营许可证和营业执照扫描件发我们备案"
    similar = "麻烦发一份你们公司的医疗器械经营许可证复印件，我们要备案"
    with qtbot.waitSignal(view.message_added, timeout=WAIT) as added:
        view.add_message(text)
    mid2 = added.args[0]
    wait_cards(qtbot, view, mid2)
    wrong = view.result.intent
    target = next(lab for lab in ("invoice_payment", "renewal_contract", "product_inquiry") if lab != wrong)
    card = view.cards[0]
    card.reject_button.click()
    reject = view.reject_dialog
    assert reject is not None and reject.isVisible()
    # an incomplete answer is refused with a message, and the dialog (with what was typed) stays
    reject.radios["other"].setChecked(True)
    with qtbot.waitSignal(ops.signals().error_reported, timeout=WAIT):
        reject.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: reject.buttons.isEnabled(), timeout=WAIT)
    assert reject.isVisible() and errors and "other" in errors[-1]
    reject.choose_intent(target)
    reject.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not reject.isVisible(), timeout=WAIT)
    last = feedback_rows(ws)[-1]
    assert last[1:4] == ("reject", "wrong_intent", target)
    # the message itself is re-recognised with what the rep taught
    qtbot.waitUntil(lambda: view.result is not None and view.result.message_id == mid2
                    and view.result.intent == target, timeout=WAIT)

    # 4. the next similar message is recognised with the corrected intent
    with qtbot.waitSignal(view.message_added, timeout=WAIT) as added:
        view.add_message(similar)
    mid3 = added.args[0]
    wait_cards(qtbot, view, mid3)
    assert view.result.intent == target
    assert target.replace("_", " ").split()[0].lower() in view.intent_label.text().lower() or \
        view.model.intent_names[target] in view.intent_label.text()


@needs_encoder
def test_paste_on_the_list_adds_a_message(qtbot, make_view, assistant: Assistant) -> None:
    view = make_view(lambda: ready(assistant))
    QApplication.clipboard().setText("Where is my order #4411? It was due on Monday.")
    view.activateWindow()
    view.table.setFocus()
    with qtbot.waitSignal(view.message_added, timeout=WAIT) as added:
        qtbot.keyClick(view.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    wait_cards(qtbot, view, added.args[0])
    assert view.result.intent == "order_status"


@needs_encoder
def test_no_chat_model_is_said_in_the_panel(qtbot, make_view, assistant: Assistant) -> None:
    assistant.model = None
    view = make_view(lambda: ready(assistant))
    wait_cards(qtbot, view, view.model.item(0).id)
    assert "No on-device chat model" in view.draft_info.text()
    assert not view.draft_button.isEnabled()


@needs_encoder
def test_draft_streams_checks_and_esc_cancels(qtbot, make_view, assistant: Assistant, chat_model) -> None:
    assistant.model = chat_model
    view = make_view(lambda: ready(assistant))
    wait_cards(qtbot, view, view.model.item(0).id)
    assert view.draft_button.isEnabled()
    pieces: list[str] = []
    view._draft_piece_arrived.connect(lambda _g, p: pieces.append(p))
    with qtbot.waitSignal(view.draft_finished, timeout=WAIT) as finished:
        view.draft_button.click()
        assert view.cancel_button.isEnabled() and not view.draft_button.isEnabled()
    assert finished.args == ["done"]
    text = view.draft_edit.toPlainText()
    assert text and len(pieces) >= 2 and "".join(pieces).strip() == text
    assert view.draft_info.text()                          # the check's verdict (warnings or "ready")
    assert view.copy_button.isEnabled() and view.regenerate_button.isEnabled()
    view.copy_draft()
    assert QApplication.clipboard().text() == text
    # regenerate, then Esc as soon as the first piece shows
    view.activateWindow()
    with qtbot.waitSignal(view.draft_finished, timeout=WAIT) as finished:
        view.regenerate_button.click()
        qtbot.waitUntil(lambda: bool(view.draft_edit.toPlainText()) or not view.drafting, timeout=WAIT)
        view.draft_edit.setFocus()
        qtbot.keyClick(view.draft_edit, Qt.Key.Key_Escape)
    assert finished.args == ["cancelled"]
    assert "cancelled" in view.draft_info.text()
    assert not view.drafting and view.draft_button.isEnabled()


def _eml(path: Path, sender: str, subject: str, body: str, message_id: str, html_only: bool = False,
         date: str = "Tue, 01 Dec 2026 09:30:00 +0800") -> Path:
    msg = EmailMessage()
    msg["From"] = f"Customer <{sender}>"
    msg["To"] = "rep@example.com"
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = message_id
    if html_only:
        msg.set_content(f"<html><body><p>{body}</p></body></html>", subtype="html")
    else:
        msg.set_content(body)
        msg.add_alternative(f"<html><body><p><b>{body}</b></p></body></html>", subtype="html")
    path.write_bytes(bytes(msg))
    return path


def _drop(view: InboxView, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    view.dropEvent(event)


def test_eml_import_dedup_and_malformed(ws: Workspace, service: InboxService, tmp_path: Path) -> None:
    acc_id, addr = ws.store.conn.execute(
        "SELECT account_id, email FROM contacts WHERE email != '' ORDER BY id DESC LIMIT 1").fetchone()
    good = _eml(tmp_path / "a.eml", addr, "报价", "请报一下200盒试纸的价格。", "<abc.1@example.cn>")
    mid, changes = service.import_eml(good)
    item = service.message(mid)
    assert changes.messages and item.channel == "email" and item.account_id == acc_id
    assert item.subject == "报价" and item.body == "请报一下200盒试纸的价格。" and item.language == "zh"
    assert item.received_at == "2026-12-01T01:30:00Z"
    again, changes = service.import_eml(good)
    assert again == mid and not changes.any()
    html_only = _eml(tmp_path / "b.eml", "nobody@nowhere.example", "Hi", "Need <i>samples</i> &amp; prices",
                     "<abc.2@x>", html_only=True)
    item = service.message(service.import_eml(html_only)[0])
    assert item.body == "Need samples & prices" and item.account_id is None
    count = ws.store.conn.execute("SELECT count(*) FROM inbound_messages").fetchone()[0]
    junk = tmp_path / "junk.eml"
    junk.write_bytes(b"\x00\x01\x02 this is not mail at all \xff\xfe")
    with pytest.raises(InvalidInput, match="junk.eml: not an e-mail"):
        service.import_eml(junk)
    with pytest.raises(InvalidInput, match="missing.eml"):
        service.import_eml(tmp_path / "missing.eml")
    assert ws.store.conn.execute("SELECT count(*) FROM inbound_messages").fetchone()[0] == count


def test_dropping_eml_files_imports_each_and_reports_bad_ones(qtbot, make_view, ws: Workspace,
                                                              tmp_path: Path) -> None:
    view = make_view(lambda: Future())                   # the assistant never arrives: import still works
    errors: list[str] = []
    ops.signals().error_reported.connect(errors.append)
    now = email.utils.format_datetime(datetime.datetime.now(datetime.UTC))
    one = _eml(tmp_path / "one.eml", "a@b.example", "Delivery late", "Our delivery is three days late.", "<m1@x>",
               date=now)
    bad = tmp_path / "bad.eml"
    bad.write_text("hello, just some text\n", encoding="utf-8")
    two = _eml(tmp_path / "two.eml", "c@d.example", "Visit", "Can you visit us next week?", "<m2@x>",
               date=now)
    with qtbot.waitSignal(view.files_imported, timeout=WAIT) as imported:
        _drop(view, [one, bad, two])
    ids = imported.args[0]
    assert len(ids) == 2
    assert len(errors) == 1 and "bad.eml" in errors[0]
    qtbot.waitUntil(lambda: all(view.model.row_of(i) >= 0 for i in ids), timeout=WAIT)
    qtbot.waitUntil(lambda: view.current is not None and view.current.id == ids[-1], timeout=WAIT)
    with qtbot.waitSignal(view.files_imported, timeout=WAIT) as imported:
        _drop(view, [one])
    assert imported.args[0] == [ids[0]]
    assert ws.store.conn.execute("SELECT count(*) FROM inbound_messages WHERE source_ref IN ('<m1@x>', '<m2@x>')"
                                 ).fetchone()[0] == 2
