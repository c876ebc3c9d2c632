"""Services return `Changes` and write the outbox row in the same transaction as the local write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.changes import Changes
from desktop.errors import DiskFull, InvalidInput, NotFound
from desktop.secrets import KeyStore
from desktop.services.accounts import AccountService
from desktop.workspace import Workspace

NOW = "2026-12-04T00:00:00Z"


@pytest.fixture
def ws(tmp_path: Path, keys: KeyStore):
    w = Workspace.create(tmp_path / "ws", keys)
    w.store.conn.execute("INSERT INTO accounts(id, code, name_zh, region, created_at, updated_at) "
                         "VALUES (7, 'C7', '温州瓯海区人民医院', 'Zhejiang', ?, ?)", (NOW, NOW))
    yield w
    w.close()


def test_add_activity_saves_locally_and_queues_exactly_one_outbox_entry(ws: Workspace) -> None:
    svc = AccountService(ws.store)
    changes = svc.add_activity(7, "客户想下周看新款血糖仪样机", kind="visit", subject="拜访预约", owner="rep.wang")
    assert changes == Changes(activities=True, outbox=True)
    act = ws.store.conn.execute("SELECT id, kind, body, dirty, client_id FROM activities").fetchall()
    assert len(act) == 1 and act[0][1] == "visit" and act[0][3] == 1
    box = ws.store.conn.execute("SELECT client_id, entity, local_id, op, payload_json, state FROM outbox").fetchall()
    assert len(box) == 1
    client_id, entity, local_id, op, payload, state = box[0]
    assert (entity, local_id, op, state) == ("activity", act[0][0], "create", "pending")
    assert client_id == act[0][4]
    assert json.loads(payload)["body"] == "客户想下周看新款血糖仪样机"
    assert svc.pending_outbox() == 1
    view = svc.account_360(7)
    assert view.activities[0].dirty  # shown as "not yet synced"


def test_bad_activity_input_is_refused_and_nothing_written(ws: Workspace) -> None:
    svc = AccountService(ws.store)
    with pytest.raises(InvalidInput):
        svc.add_activity(7, "   ")
    with pytest.raises(InvalidInput):
        svc.add_activity(7, "x", kind="telepathy")
    with pytest.raises(NotFound):
        svc.add_activity(12345, "hello")
    assert ws.store.conn.execute("SELECT count(*) FROM activities").fetchone()[0] == 0
    assert ws.store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0


def test_disk_full_during_a_write_keeps_activity_and_outbox_consistent(ws: Workspace) -> None:
    svc = AccountService(ws.store)
    svc.add_activity(7, "first note")
    pages = ws.store.conn.execute("PRAGMA page_count").fetchone()[0]
    ws.store.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFull):
        svc.add_activity(7, "长" * 19_000)
    ws.store.conn.execute("PRAGMA max_page_count = 1073741823")
    assert ws.store.conn.execute("SELECT count(*) FROM activities").fetchone()[0] == 1
    assert ws.store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1


def test_resolve_by_id_or_code(ws: Workspace) -> None:
    svc = AccountService(ws.store)
    assert svc.resolve("7").code == "C7"
    assert svc.resolve("c7").id == 7
    with pytest.raises(NotFound):
        svc.resolve("")


def test_changes_combine() -> None:
    assert (Changes(accounts=True) | Changes(outbox=True)).names() == ["accounts", "outbox"]
    assert not Changes().any()
    assert Changes.everything().any()
