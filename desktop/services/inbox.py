"""Inbox use cases: the message list with each message's latest recognised intent, adding pasted messages,
importing .eml files, message status, and reusing a stored suggestion set instead of recomputing it.

Threads: reads run on any worker thread, each on its own reader connection (created on first use in that thread,
or the ``conn`` given); writes go through the store's writer (``store.run``, serialised by its lock).
"""

from __future__ import annotations

import datetime as _dt
import email
import email.policy
import email.utils
import html
import json
import re
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import apsw

from local_models.actions import ActionSuggestion, EvidenceLine
from local_models.intents import Evidence, Recognition, default_pack

from ..changes import Changes
from ..errors import InvalidInput, NotFound
from ..store import Store, digits_only, now_iso
from .assistant import MAX_MESSAGE_CHARS, ProposedAction, SuggestionSet
from .context import detect_language

STATUSES = ("new", "read", "done", "archived")
URGENT_HOURS = 24.0
URGENT_INTENTS = ("complaint", "delivery_problem")
MAX_EML_BYTES = 10 * 1024 * 1024
PREVIEW_CHARS = 160


@dataclass(frozen=True)
class InboxItem:
    id: int
    received_at: str
    channel: str
    sender: str
    subject: str
    preview: str                    # subject or the body's first line, shortened
    body: str
    language: str
    account_id: int | None
    account_name: str
    contact_id: int | None
    status: str
    intent: str | None              # the latest recognised intent (decision log), None if never suggested
    confidence: float | None
    top_action: str | None
    hours_waiting: float
    urgent: bool


HOT_INTENTS = ("quote_request", "sample_request", "competitor_mention", "renewal_contract")


def hot_leads(items: list[InboxItem], seen: set[int]) -> list[InboxItem]:
    """New messages, not notified before, that are buying signals (a quote or sample request, a competitor
    offer, a renewal) or a complaint/delivery problem: what a rep wants a tray notification for."""
    return [i for i in items if i.status == "new" and i.id not in seen
            and (i.intent in HOT_INTENTS or i.intent in URGENT_INTENTS)]


def _parse_time(iso: str) -> _dt.datetime | None:
    try:
        t = _dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=_dt.UTC)


def _preview(subject: str, body: str) -> str:
    text = subject.strip() or next((line.strip() for line in body.splitlines() if line.strip()), "")
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


class _TextFromHtml(HTMLParser):
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextFromHtml()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class InboxService:
    def __init__(self, store: Store, rep: str = "", conn: apsw.Connection | None = None) -> None:
        self.store = store
        self.rep = rep
        self._fixed_conn = conn
        self._local = threading.local()
        self._readers: list[apsw.Connection] = []
        self._lock = threading.Lock()
        self._pack = None

    # -- connections ---------------------------------------------------------------------------------------
    def conn(self) -> apsw.Connection:
        """The reader for the calling thread (one per thread, opened on first use)."""
        if self._fixed_conn is not None:
            return self._fixed_conn
        reader = getattr(self._local, "conn", None)
        if reader is None:
            reader = self.store.reader()
            self._local.conn = reader
            with self._lock:
                self._readers.append(reader)
        return reader

    def close(self) -> None:
        with self._lock:
            readers, self._readers = self._readers, []
        for reader in readers:
            try:
                reader.close()
            except apsw.Error:
                pass

    # -- reading ----------------------------------------------------------------------------------------
    def messages(self, limit: int = 200, status: str | None = None,
                 now: _dt.datetime | None = None) -> list[InboxItem]:
        """Newest first, with the latest recognised intent and top action of each message."""
        where, params = ("WHERE m.status = ?", [status]) if status else ("", [])
        return self._items(where, params, limit, now)

    def _items(self, where: str, params: list, limit: int, now: _dt.datetime | None) -> list[InboxItem]:
        conn = self.conn()
        rows = conn.execute(
            "SELECT m.id, m.received_at, m.channel, m.sender, m.subject, m.body, m.language, m.account_id, "
            "coalesce(a.name_zh, ''), m.contact_id, m.status FROM inbound_messages m "
            f"LEFT JOIN accounts a ON a.id = m.account_id {where} "
            "ORDER BY m.received_at DESC, m.id DESC LIMIT ?", (*params, limit)).fetchall()
        latest = self._latest_top(conn, [r[0] for r in rows])
        now = now or _dt.datetime.now(_dt.UTC)
        out = []
        for mid, received, channel, sender, subject, body, lang, acc_id, acc_name, contact_id, st in rows:
            intent, confidence, action = latest.get(mid, (None, None, None))
            received_t = _parse_time(received)
            hours = max(0.0, (now - received_t).total_seconds() / 3600) if received_t else 0.0
            urgent = st in ("new", "read") and (hours >= URGENT_HOURS or intent in URGENT_INTENTS)
            out.append(InboxItem(mid, received, channel, sender, subject, _preview(subject, body), body, lang,
                                 acc_id, acc_name, contact_id, st, intent, confidence, action, round(hours, 1),
                                 urgent))
        return out

    @staticmethod
    def _latest_top(conn: apsw.Connection, ids: list[int]) -> dict[int, tuple[str, float, str]]:
        latest: dict[int, tuple[str, float, str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for mid, intent, confidence, action in conn.execute(
                    f"SELECT message_id, intent, confidence, action FROM suggestions WHERE rank = 1 AND message_id "
                    f"IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk):
                latest[mid] = (intent, confidence, action)   # later rows (newer requests) win
        return latest

    def message(self, message_id: int) -> InboxItem:
        items = self._items("WHERE m.id = ?", [message_id], 1, None)
        if not items:
            raise NotFound(f"no message with id {message_id}")
        return items[0]

    def intent_names(self, lang: str = "en") -> dict[str, str]:
        """Display names of the default pack's labels (the assistant's own pack is used once it is ready)."""
        if self._pack is None:
            self._pack = default_pack()
        return {lab.id: lab.name.get(lang) or lab.name.get("en") or lab.id for lab in self._pack.labels}

    def latest_request(self, message_id: int) -> SuggestionSet | None:
        """The newest stored suggestion set for a message, rebuilt from the decision log, or None."""
        conn = self.conn()
        row = conn.execute("SELECT request_id FROM suggestions WHERE message_id = ? AND request_id != '' "
                           "ORDER BY id DESC LIMIT 1", (message_id,)).fetchone()
        if row is None:
            return None
        request_id = row[0]
        rows = conn.execute(
            "SELECT id, rank, intent, confidence, alternatives_json, action, score, evidence_json, inputs_json, "
            "message_text, language, account_id, latency_ms FROM suggestions WHERE request_id = ? ORDER BY rank",
            (request_id,)).fetchall()
        actions = []
        for sid, rank, _i, _c, _a, action, score, evidence_json, *_rest in rows:
            lines = []
            for ev in json.loads(evidence_json or "[]"):
                lines.append(EvidenceLine(ev.get("kind", ""), dict(ev.get("params") or {}), ev.get("source", ""),
                                          ev.get("record", ""), ev.get("as_of", "")))
            actions.append(ProposedAction(sid, rank, ActionSuggestion(action, score, tuple(lines))))
        first = rows[0]
        inputs = json.loads(first[8] or "{}").get("recognition", {})
        recognition = Recognition(
            label=first[2] or None, confidence=first[3],
            alternatives=[(lab, p) for lab, p in json.loads(first[4] or "[]")],
            evidence=[Evidence(e.get("text", ""), e.get("label", ""), e.get("similarity", 0.0))
                      for e in inputs.get("examples", [])],
            abstained=bool(inputs.get("abstained", False)), latency_ms=0.0)
        return SuggestionSet(request_id, first[9], first[10], first[11], message_id, recognition, actions,
                             first[12])

    def feedback_states(self, suggestion_ids: list[int]) -> dict[int, str]:
        """The latest verdict given on each suggestion ("accept", "reject", "edit")."""
        if not suggestion_ids:
            return {}
        rows = self.conn().execute(
            f"SELECT suggestion_id, verdict FROM feedback WHERE suggestion_id IN ({','.join('?' * len(suggestion_ids))}) "
            "ORDER BY id", suggestion_ids)
        return {sid: verdict for sid, verdict in rows}

    # -- writing ----------------------------------------------------------------------------------------
    @staticmethod
    def _match_sender(conn: apsw.Connection, sender: str) -> tuple[int | None, int | None]:
        """(account_id, contact_id) of the contact whose e-mail, WeChat id or phone is the sender."""
        sender = (sender or "").strip()
        if not sender:
            return None, None
        _name, addr = email.utils.parseaddr(sender)
        addr = (addr or sender).strip().lower()
        row = None
        if "@" in addr:
            row = conn.execute("SELECT account_id, id FROM contacts WHERE deleted = 0 AND lower(email) = ? "
                               "ORDER BY id LIMIT 1", (addr,)).fetchone()
        if row is None:
            row = conn.execute("SELECT account_id, id FROM contacts WHERE deleted = 0 AND wechat != '' AND wechat = ? "
                               "ORDER BY id LIMIT 1", (sender,)).fetchone()
        digits = digits_only(sender)
        if row is None and len(digits) >= 7 and len(digits) * 2 >= len(sender.replace(" ", "")):
            row = conn.execute("SELECT account_id, id FROM contacts WHERE deleted = 0 AND phone != '' AND "
                               "repdesk_digits(phone) LIKE ? ORDER BY id LIMIT 1", (f"%{digits[-11:]}",)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def add_message(self, text: str, account_id: int | None = None, channel: str = "paste", sender: str = "",
                    subject: str = "", received_at: str | None = None,
                    source_ref: str = "") -> tuple[int, Changes]:
        """Store a pasted (or imported) message. Runs on the `db` executor."""
        body = (text or "").strip()
        if not body:
            raise InvalidInput("the message is empty")
        if len(body) > MAX_MESSAGE_CHARS:
            raise InvalidInput(f"the message is longer than {MAX_MESSAGE_CHARS} characters")
        if channel not in ("email", "wechat", "chat", "sms", "phone", "paste"):
            raise InvalidInput(f"unknown channel {channel!r}")
        language = detect_language(body)

        def write(conn: apsw.Connection) -> int:
            contact_id = None
            acc = account_id
            if acc is not None:
                if conn.execute("SELECT 1 FROM accounts WHERE id = ?", (acc,)).fetchone() is None:
                    raise NotFound(f"no account with id {acc}")
                if sender:
                    matched_acc, matched_contact = self._match_sender(conn, sender)
                    contact_id = matched_contact if matched_acc == acc else None
            else:
                acc, contact_id = self._match_sender(conn, sender)
            conn.execute(
                "INSERT INTO inbound_messages(account_id, contact_id, channel, sender, subject, body, language, "
                "received_at, status, source_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'new', ?)",
                (acc, contact_id, channel, sender.strip(), subject.strip(), body, language,
                 received_at or now_iso(), source_ref))
            return conn.last_insert_rowid()

        return self.store.run(write), Changes(messages=True)

    def import_eml(self, path: Path | str) -> tuple[int, Changes]:
        """Import one .eml file; importing the same Message-ID again returns the existing message. Runs on `db`."""
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_EML_BYTES:
                raise InvalidInput(f"{path.name}: larger than {MAX_EML_BYTES // (1024 * 1024)} MB, not imported")
            raw = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
        try:
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            sender_header = msg.get("From")
            subject = str(msg.get("Subject") or "").strip()
            message_id = str(msg.get("Message-ID") or "").strip()
            date_header = msg.get("Date")
        except (ValueError, TypeError, IndexError, LookupError) as exc:
            raise InvalidInput(f"{path.name}: not a readable e-mail ({exc})") from None
        if sender_header is None and not subject and not message_id:
            raise InvalidInput(f"{path.name}: not an e-mail message (no From, Subject or Message-ID header)")
        sender = ""
        if sender_header is not None:
            addresses = getattr(sender_header, "addresses", ())
            sender = addresses[0].addr_spec if addresses else str(sender_header).strip()
        try:
            body = self._eml_text(msg)
        except (LookupError, ValueError, TypeError, AttributeError) as exc:
            raise InvalidInput(f"{path.name}: the text of the e-mail cannot be decoded ({exc})") from None
        if not body.strip():
            raise InvalidInput(f"{path.name}: the e-mail has no text to import")
        received = None
        if date_header is not None:
            try:
                dt = getattr(date_header, "datetime", None) or email.utils.parsedate_to_datetime(str(date_header))
                if dt.tzinfo is None:
                    dt = dt.replace(tzinfo=_dt.UTC)
                received = dt.astimezone(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
            except (TypeError, ValueError):
                received = None
        if message_id:
            existing = self.store.run(lambda conn: conn.execute(
                "SELECT id FROM inbound_messages WHERE source_ref = ? ORDER BY id LIMIT 1", (message_id,)).fetchone())
            if existing is not None:
                return existing[0], Changes()
        body = body.strip()
        if len(body) > MAX_MESSAGE_CHARS:
            body = body[:MAX_MESSAGE_CHARS]
        return self.add_message(body, channel="email", sender=sender, subject=subject, received_at=received,
                                source_ref=message_id)

    @staticmethod
    def _eml_text(msg: email.message.EmailMessage) -> str:
        part = msg.get_body(preferencelist=("plain", "html"))
        if part is None:
            if msg.is_multipart():
                return ""
            payload = msg.get_payload(decode=True) or b""
            return payload.decode(msg.get_content_charset() or "utf-8", errors="replace")
        content = part.get_content()
        if isinstance(content, bytes):
            content = content.decode("utf-8", errors="replace")
        return html_to_text(content) if part.get_content_subtype() == "html" else content

    def set_status(self, message_id: int, status: str) -> Changes:
        if status not in STATUSES:
            raise InvalidInput(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")

        def write(conn: apsw.Connection) -> None:
            conn.execute("UPDATE inbound_messages SET status = ? WHERE id = ?", (status, message_id))
            if conn.changes() == 0:
                raise NotFound(f"no message with id {message_id}")

        self.store.run(write)
        return Changes(messages=True)
