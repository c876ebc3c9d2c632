"""FTS5 trigram search: Chinese substrings, phone fragments, emails, codes; odd input; index kept in step."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.secrets import KeyStore
from desktop.store import accounts as repo
from desktop.store import digits_only
from desktop.store.accounts import AccountFilter
from desktop.workspace import Workspace

NOW = "2026-12-04T00:00:00Z"


def _accounts(ws: Workspace) -> list[tuple]:
    return ws.store.conn.execute(
        "SELECT id, name_zh, name_en, phone, email, code, credit_code FROM accounts ORDER BY id").fetchall()


def _found(ws: Workspace, text: str, account_id: int) -> bool:
    return account_id in repo.ids(ws.store.conn, AccountFilter(text=text))


def test_chinese_substrings_match(demo_ws: Workspace) -> None:
    acc_id, name_zh, *_ = next(a for a in _accounts(demo_ws) if len(a[1]) >= 8)
    for sub in (name_zh[2:6], name_zh[1:3], name_zh[-4:]):   # middle, two characters, suffix
        assert _found(demo_ws, sub, acc_id), sub
    hits = repo.search(demo_ws.store.conn, name_zh[2:6], limit=500)
    assert any(h.entity == "account" and h.entity_id == acc_id for h in hits)


def test_phone_fragments_match_whatever_the_separators(demo_ws: Workspace) -> None:
    acc_id, _, _, phone, *_ = next(a for a in _accounts(demo_ws) if len(digits_only(a[3])) == 11)
    digits = digits_only(phone)
    assert _found(demo_ws, digits[3:9], acc_id)
    assert _found(demo_ws, f"{digits[3:7]}-{digits[7:11]}", acc_id)
    assert _found(demo_ws, f"{digits[3:7]} {digits[7:11]}", acc_id)


def test_email_code_and_credit_code_match(demo_ws: Workspace) -> None:
    acc_id, _, _, _, email, code, credit = next(a for a in _accounts(demo_ws) if "@" in a[4] and len(a[6]) == 18)
    assert _found(demo_ws, email.split("@")[1], acc_id)
    assert _found(demo_ws, code, acc_id)
    assert _found(demo_ws, credit[4:14], acc_id)


def test_english_search_is_case_insensitive(demo_ws: Workspace) -> None:
    acc_id, _, name_en, *_ = next(a for a in _accounts(demo_ws) if len(a[2]) > 12)
    word = max(name_en.split(), key=len)
    assert _found(demo_ws, word.upper(), acc_id)
    assert _found(demo_ws, word.lower(), acc_id)


def test_contacts_are_found_and_point_at_their_account(demo_ws: Workspace) -> None:
    cid, account_id, name = demo_ws.store.conn.execute(
        "SELECT id, account_id, name FROM contacts WHERE length(name) >= 3 ORDER BY id LIMIT 1").fetchone()
    hits = repo.search(demo_ws.store.conn, name, limit=200)
    assert any(h.entity == "contact" and h.entity_id == cid and h.account_id == account_id for h in hits)
    assert _found(demo_ws, name, account_id)


@pytest.mark.parametrize("text", ['"', '""', "*", "AND", "a OR b", "NEAR(x y)", "(", "col:val", "%", "_", "\\",
                                  "'; DROP TABLE accounts; --", "   ", "\x00", "🙂🙂🙂"])
def test_query_syntax_in_user_text_is_harmless(demo_ws: Workspace, text: str) -> None:
    repo.search(demo_ws.store.conn, text)
    repo.ids(demo_ws.store.conn, AccountFilter(text=text))
    assert repo.count(demo_ws.store.conn) >= 300


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_substring_of_a_name_finds_its_account(demo_ws: Workspace, data: st.DataObject) -> None:
    rows = _accounts(demo_ws)
    acc_id, name_zh, name_en, *_ = data.draw(st.sampled_from(rows))
    name = data.draw(st.sampled_from([n for n in (name_zh, name_en) if n.strip()]))
    start = data.draw(st.integers(0, len(name) - 1))
    end = data.draw(st.integers(start + 1, min(len(name), start + 10)))
    sub = name[start:end]
    if not sub.strip():
        return
    assert _found(demo_ws, sub, acc_id), (sub, name)


def test_index_follows_edits_and_deletes(tmp_path: Path, keys: KeyStore) -> None:
    ws = Workspace.create(tmp_path / "ws", keys)
    conn = ws.store.conn
    conn.execute("INSERT INTO accounts(id, code, name_zh, phone, created_at, updated_at) "
                 "VALUES (1, 'C1', '宁波甬江社区卫生服务中心', '0574-8765 4321', ?, ?)", (NOW, NOW))
    assert _found(ws, "甬江社区", 1)
    conn.execute("UPDATE accounts SET name_zh = '宁波三江口诊所' WHERE id = 1")
    assert not _found(ws, "甬江社区", 1)
    assert _found(ws, "三江口", 1)
    assert _found(ws, "87654321", 1)
    conn.execute("UPDATE accounts SET deleted = 1 WHERE id = 1")
    assert not _found(ws, "三江口", 1)
    conn.execute("UPDATE accounts SET deleted = 0 WHERE id = 1")
    conn.execute("DELETE FROM accounts WHERE id = 1")
    assert conn.execute("SELECT count(*) FROM search_index").fetchone()[0] == 0
    ws.close()
