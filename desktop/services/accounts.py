"""Account use cases: search, the lazy list, the 360 view, and offline notes that queue for sync."""

from __future__ import annotations

import datetime as _dt
import uuid

import apsw

from ..changes import Changes
from ..domain import Account, Account360, AccountRow, Contact, Opportunity, SearchHit
from ..errors import InvalidInput, NotFound
from ..store import Store, now_iso, outbox
from ..store import accounts as repo
from ..store.accounts import AccountFilter

__all__ = ["AccountFilter", "AccountService"]

NOTE_KINDS = ("note", "call", "visit", "email", "task")
MAX_NOTE_CHARS = 20_000


class AccountService:
    """Reads use ``conn`` (any connection; the UI passes its reader). Writes go through the store's writer."""

    def __init__(self, store: Store, conn: apsw.Connection | None = None) -> None:
        self.store = store
        self.conn = conn or store.conn

    def open_opportunities(self, account_id: int) -> list[Opportunity]:
        return repo.open_opportunities(self.conn, account_id)

    def contacts(self, account_id: int) -> list[Contact]:
        return repo.contacts_of(self.conn, account_id)

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        return repo.search(self.conn, text, limit)

    def ids(self, flt: AccountFilter = AccountFilter()) -> list[int]:
        return repo.ids(self.conn, flt)

    def rows(self, account_ids: list[int]) -> dict[int, AccountRow]:
        return repo.rows_by_ids(self.conn, account_ids)

    def count(self) -> int:
        return repo.count(self.conn)

    def filter_values(self, column: str) -> list[str]:
        return repo.distinct_values(self.conn, column)

    def resolve(self, ref: str) -> Account:
        """An account by local id or customer code; NotFound with the reference in the message otherwise."""
        ref = ref.strip()
        account = None
        if ref.isdigit():
            account = repo.get(self.conn, int(ref))
        if account is None and ref:
            account = repo.by_code(self.conn, ref)
        if account is None:
            raise NotFound(f"no account with id or code {ref!r}")
        return account

    def account_360(self, account_id: int, today: _dt.date | None = None) -> Account360:
        view = repo.account_360(self.conn, account_id, today)
        if view is None:
            raise NotFound(f"no account with id {account_id}")
        return view

    def add_activity(self, account_id: int, body: str, kind: str = "note", subject: str = "", owner: str = "") -> Changes:
        """Record a note/call/visit offline: saved at once, queued in the outbox in the same transaction.

        Runs on the `db` executor.
        """
        body = body.strip()
        if kind not in NOTE_KINDS:
            raise InvalidInput(f"unknown activity kind {kind!r}; expected one of {', '.join(NOTE_KINDS)}")
        if not body and not subject.strip():
            raise InvalidInput("an activity needs a subject or some text")
        if len(body) > MAX_NOTE_CHARS:
            raise InvalidInput(f"the text is longer than {MAX_NOTE_CHARS} characters")

        def write(conn: apsw.Connection) -> None:
            if repo.get(conn, account_id) is None:
                raise NotFound(f"no account with id {account_id}")
            now = now_iso()
            client_id = uuid.uuid4().hex
            local_id = repo.insert_activity(
                conn, account_id=account_id, kind=kind, subject=subject.strip(), body=body,
                occurred_at=now, owner=owner, client_id=client_id, now=now,
            )
            outbox.enqueue(
                conn, client_id=client_id, entity="activity", local_id=local_id, op="create",
                payload={"account_id": account_id, "kind": kind, "subject": subject.strip(), "body": body,
                         "occurred_at": now}, now=now,
            )

        self.store.run(write)
        return Changes(activities=True, outbox=True)

    def pending_outbox(self) -> int:
        return outbox.pending_count(self.conn)
