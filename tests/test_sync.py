"""Sync against a real Tryton server on loopback: initial pull, back-office edits, deletions, 500 offline
changes exactly once, field-level conflicts per the data contract, the CLI, faults through a proxy and a
process killed mid-push."""

from __future__ import annotations

import asyncio
import datetime as _dt
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from desktop.cli import main
from desktop.secrets import KeyStore
from desktop.services import sync as sync_service
from desktop.services.accounts import AccountService
from desktop.workspace import Workspace

REP = "rep.wang"


@pytest.fixture
def rep_ws(fresh_tryton, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A workspace connected to a fresh copy of the central database as rep.wang, synced once."""
    fresh_tryton.restore()               # each test starts from the seeded snapshot (~1 s)
    monkeypatch.setenv("REPDESK_PASSWORD", fresh_tryton.users[REP])
    ws = Workspace.create(tmp_path / "rep", KeyStore(), kind="central")
    settings = sync_service.CentralSettings("tryton", fresh_tryton.url, fresh_tryton.database, REP)
    sync_service.connect(ws, settings, fresh_tryton.users[REP])
    report = asyncio.run(sync_service.run_sync(ws))
    assert not report.errors, report.errors
    yield ws
    ws.close()


def central(tryton, login: str = "mgr.chen"):
    return tryton.rpc(login)


def count_local(ws: Workspace, table: str) -> int:
    return ws.store.conn.execute(f"SELECT count(*) FROM {table} WHERE deleted = 0").fetchone()[0]


def sync(ws: Workspace, **kw):
    return asyncio.run(sync_service.run_sync(ws, **kw))


def test_initial_pull_equals_the_servers_book(rep_ws: Workspace, fresh_tryton) -> None:
    call = central(fresh_tryton)
    (uid,) = call("model.res.user.search", [[["login", "=", REP]], 0, None, None])
    parties = call("model.party.party.search_read", [[["repdesk_rep", "=", uid]], 0, None, [["id", "ASC"]],
                                                     ["id", "code", "name", "repdesk_tier", "repdesk_region"]])
    assert count_local(rep_ws, "accounts") == len(parties) > 50
    local = {r[0]: r[1:] for r in rep_ws.store.conn.execute(
        "SELECT remote_id, code, name_zh, tier, region FROM accounts")}
    for p in parties:
        assert local[p["id"]] == (p["code"], p["name"], p["repdesk_tier"], p["repdesk_region"])
    employee = call("model.res.user.read", [[uid], ["employee"]])[0]["employee"]
    n_sales = call("model.sale.sale.search_count", [[["employee", "=", employee]]])
    n_lines = call("model.sale.line.search_count", [[["sale.employee", "=", employee], ["type", "=", "line"]]])
    assert count_local(rep_ws, "sales_orders") == n_sales > 100
    assert count_local(rep_ws, "sales_order_lines") == n_lines
    assert count_local(rep_ws, "products") == call("model.product.product.search_count", [[]])
    assert count_local(rep_ws, "warehouses") == 3
    assert rep_ws.store.conn.execute("SELECT count(*) FROM stock_levels").fetchone()[0] >= 3 * 60
    owners = {o for (o,) in rep_ws.store.conn.execute("SELECT DISTINCT owner FROM accounts")}
    assert owners == {REP}                                          # only the rep's own book
    # a second sync with nothing changed pulls nothing
    again = sync(rep_ws)
    assert again.pulled == 0 and again.pushed == 0


def test_back_office_edits_deletions_and_reassignments_arrive(rep_ws: Workspace, fresh_tryton) -> None:
    call = central(fresh_tryton)
    conn = rep_ws.store.conn
    (a, b, c) = [r[0] for r in conn.execute("SELECT remote_id FROM accounts ORDER BY remote_id LIMIT 3")]
    call("model.party.party.write", [[a], {"name": "仁和大药房（新名）", "repdesk_tier": "A"}])
    call("model.party.party.write", [[b], {"active": False}])
    (other,) = call("model.res.user.search", [[["login", "=", "rep.li"]], 0, None, None])
    call("model.party.party.write", [[c], {"repdesk_rep": other}])
    promo = call("model.repdesk.promotion.create", [[{"competitor": "鱼跃 Yuwell", "region": "Shanghai",
                                                      "category": "glucose_meter", "title": "买二送一",
                                                      "discount_pct": 33.0, "starts_on": _dt.date(2026, 12, 1),
                                                      "ends_on": _dt.date(2027, 1, 31)}]])
    call("model.repdesk.promotion.create", [[{"competitor": "X", "region": "Shanghai", "category": "lancet",
                                              "title": "no dates", "discount_pct": 5.0}]])
    report = sync(rep_ws)
    # a central record the local schema cannot hold is reported, and the rest of the sync goes on
    assert any("promotion" in e and "not stored locally" in e for e in report.errors), report.errors
    assert report.of("account").pulled >= 2
    assert conn.execute("SELECT name_zh, tier FROM accounts WHERE remote_id = ?", (a,)).fetchone() == \
        ("仁和大药房（新名）", "A")
    assert conn.execute("SELECT deleted FROM accounts WHERE remote_id = ?", (b,)).fetchone()[0] == 1
    assert conn.execute("SELECT deleted FROM accounts WHERE remote_id = ?", (c,)).fetchone()[0] == 2
    assert report.of("account").tombstoned == 1
    assert conn.execute("SELECT count(*) FROM competitor_promotions WHERE remote_id = ?", (promo[0],)).fetchone()[0]


def test_500_offline_changes_arrive_exactly_once(rep_ws: Workspace, fresh_tryton) -> None:
    service = AccountService(rep_ws.store)
    accounts = [r[0] for r in rep_ws.store.conn.execute("SELECT id FROM accounts WHERE deleted = 0 LIMIT 50")]
    for i in range(500):
        service.add_activity(accounts[i % len(accounts)], f"拜访记录 {i}: 客户询问新款血糖仪", kind="visit",
                             subject=f"visit {i}")
    opp = rep_ws.store.conn.execute("SELECT id FROM opportunities WHERE deleted = 0 LIMIT 1").fetchone()[0]
    sync_service.edit(rep_ws, "opportunity", opp, {"probability": "65"})
    report = sync(rep_ws)
    assert report.of("activity").pushed == 500 and report.of("opportunity").pushed == 1
    call = central(fresh_tryton, REP)
    client_ids = [r[0] for r in rep_ws.store.conn.execute("SELECT client_id FROM outbox WHERE entity = 'activity'")]
    found = call("model.repdesk.activity.search_read", [[["client_id", "in", client_ids]], 0, None, None,
                                                        ["client_id"]])
    assert len(found) == 500 and len({f["client_id"] for f in found}) == 500
    assert rep_ws.store.conn.execute("SELECT count(*) FROM outbox WHERE state != 'done'").fetchone()[0] == 0
    assert rep_ws.store.conn.execute("SELECT count(*) FROM activities WHERE remote_id IS NULL").fetchone()[0] == 0
    again = sync(rep_ws)
    assert again.pushed == 0
    assert call("model.repdesk.activity.search_count", [[["client_id", "in", client_ids]]]) == 500


def test_concurrent_edits_follow_the_contract(rep_ws: Workspace, fresh_tryton) -> None:
    conn = rep_ws.store.conn
    opp_local, opp_remote, stage, prob = conn.execute(
        "SELECT id, remote_id, stage, probability FROM opportunities WHERE deleted = 0 AND stage = 'proposal' "
        "LIMIT 1").fetchone()
    contact_local, contact_remote = conn.execute(
        "SELECT id, remote_id FROM contacts WHERE deleted = 0 AND consent_email IS NULL LIMIT 1").fetchone()
    # the rep, offline
    sync_service.edit(rep_ws, "opportunity", opp_local, {"stage": "negotiation", "probability": "70"})
    # never asked → the rep records an opt-out while the back office records an opt-in (central_wins)
    sync_service.edit(rep_ws, "contact", contact_local, {"consent_email": "0", "wechat": "wx_rep_edit"})
    # meanwhile the back office
    call = central(fresh_tryton)
    call("model.sale.opportunity.write", [[opp_remote], {"repdesk_stage": "lost", "probability": 5}])
    call("model.repdesk.contact.write", [[contact_remote], {"consent_email": "in", "wechat": "wx_office"}])
    report = sync(rep_ws)
    assert report.conflicts >= 3
    central_opp = call("model.sale.opportunity.read", [[opp_remote], ["repdesk_stage", "probability"]])[0]
    assert central_opp["probability"] == 70                 # local_wins
    assert central_opp["repdesk_stage"] == "lost"           # ask: nothing written until the rep decides
    assert conn.execute("SELECT stage FROM opportunities WHERE id = ?", (opp_local,)).fetchone()[0] == "negotiation"
    central_contact = call("model.repdesk.contact.read", [[contact_remote], ["consent_email", "wechat"]])[0]
    assert central_contact == {"id": contact_remote, "consent_email": "in", "wechat": "wx_rep_edit"}
    assert conn.execute("SELECT consent_email FROM contacts WHERE id = ?", (contact_local,)).fetchone()[0] == 1
    open_ = sync_service.list_conflicts(rep_ws)
    assert [(c["entity"], c["field"], c["local"], c["central"]) for c in open_] == \
        [("opportunity", "stage", "negotiation", "lost")]
    sync_service.resolve_conflict(rep_ws, open_[0]["id"], "local")
    sync(rep_ws)
    assert call("model.sale.opportunity.read", [[opp_remote], ["repdesk_stage"]])[0]["repdesk_stage"] == \
        "negotiation"
    assert sync_service.list_conflicts(rep_ws) == []


def test_a_bad_edit_is_refused_before_it_is_queued(rep_ws: Workspace) -> None:
    from desktop.errors import InvalidInput

    opp = rep_ws.store.conn.execute("SELECT id FROM opportunities LIMIT 1").fetchone()[0]
    for changes, needle in (({"title": "x"}, "cannot be edited offline"), ({"probability": "150"}, "between"),
                            ({"stage": "maybe"}, "unknown stage"), ({"amount_cents": "lots"}, "not a valid")):
        with pytest.raises(InvalidInput, match=needle):
            sync_service.edit(rep_ws, "opportunity", opp, changes)
    assert rep_ws.store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    current = rep_ws.store.conn.execute("SELECT probability FROM opportunities WHERE id = ?", (opp,)).fetchone()[0]
    assert not sync_service.edit(rep_ws, "opportunity", opp, {"probability": str(current)}).any()  # no-op edit
    assert rep_ws.store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0


def test_cli_connect_sync_status_conflicts(fresh_tryton, tmp_path: Path, capsys, monkeypatch,
                                           isolated_home: Path) -> None:
    monkeypatch.setenv("REPDESK_PASSWORD", fresh_tryton.users["rep.li"])
    ws = str(tmp_path / "li")
    assert main(["connect", "tryton", "--url", fresh_tryton.url, "--database", fresh_tryton.database,
                 "--user", "rep.li", "--workspace", ws]) == 0
    assert "connected" in capsys.readouterr().out
    manifest = (tmp_path / "li" / "workspace.json").read_text(encoding="utf-8")
    assert fresh_tryton.users["rep.li"] not in manifest and "rep.li" in manifest   # settings yes, password never
    assert main(["sync", "--workspace", ws, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["entities"]["account"]["pulled"] > 0 and data["trace_id"]
    assert main(["sync", "status", "--workspace", ws, "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["last_sync"]["ok"] and status["outbox_pending"] == 0
    assert main(["conflicts", "list", "--workspace", ws]) == 0
    assert "no open conflicts" in capsys.readouterr().out
    # no file this machine wrote (config, logs, caches, the workspace apart from its encrypted database) holds it
    files = [p for root in (isolated_home, tmp_path / "li") for p in root.rglob("*")
             if p.is_file() and not p.name.startswith("repdesk.db")]
    assert any(p.name == "workspace.json" for p in files)
    assert not any(fresh_tryton.users["rep.li"].encode() in p.read_bytes() for p in files)
    # wrong password, dead server: one line, non-zero, nothing lost
    monkeypatch.setenv("REPDESK_PASSWORD", "not-the-password")
    assert main(["sync", "--workspace", ws]) == 1
    err = capsys.readouterr().err
    assert "wrong password" in err and len(err.strip().splitlines()) == 1
    code = main(["connect", "tryton", "--url", "http://127.0.0.1:9/", "--database", "x", "--user", "u",
                 "--workspace", str(tmp_path / "nowhere")])
    assert code == 1 and "cannot be reached" in capsys.readouterr().err
    assert not (tmp_path / "nowhere" / "workspace.json").exists()
    demo = str(tmp_path / "demo")
    assert main(["demo", "--path", demo, "--accounts", "5"]) == 0
    capsys.readouterr()
    assert main(["connect", "tryton", "--url", fresh_tryton.url, "--database", fresh_tryton.database,
                 "--user", "rep.li", "--workspace", demo]) == 1
    assert "demo" in capsys.readouterr().err


def test_outbox_drains_exactly_once_through_faults(rep_ws: Workspace, fresh_tryton) -> None:
    from tests.faultproxy import FaultProxy

    service = AccountService(rep_ws.store)
    account = rep_ws.store.conn.execute("SELECT id FROM accounts WHERE deleted = 0 LIMIT 1").fetchone()[0]
    for i in range(60):
        service.add_activity(account, f"电话 {i}", kind="call")
    with FaultProxy(fresh_tryton.url) as proxy:
        base = proxy.start() if not getattr(proxy, "url", None) else proxy.url
        proxy.schedule(["500", "429:0.2", "reset", "truncate", "401", "timeout-after-forward:2",
                        "reset-after-forward", "503:0.1"])
        proxy.random_faults(0.25, ["500", "429:0.05", "reset", "reset-after-forward", "truncate", "401"], seed=7)
        settings = rep_ws.info.settings["central"]
        rep_ws.info.settings["central"] = {**settings, "url": base}
        rounds = 0
        while rounds < 10:
            rounds += 1
            try:
                sync(rep_ws, timeout=1.0)
                if rep_ws.store.conn.execute("SELECT count(*) FROM outbox WHERE state IN ('pending', 'sent')"
                                             ).fetchone()[0] == 0:
                    break
            except Exception:  # noqa: BLE001 - a run may give up under this much noise; the next resumes
                continue
        assert proxy.faults_injected >= 8
        rep_ws.info.settings["central"] = settings
    client_ids = [r[0] for r in rep_ws.store.conn.execute("SELECT client_id FROM outbox WHERE entity = 'activity'")]
    call = central(fresh_tryton, REP)
    assert call("model.repdesk.activity.search_count", [[["client_id", "in", client_ids]]]) == 60
    assert rep_ws.store.conn.execute("SELECT count(*) FROM outbox WHERE state != 'done'").fetchone()[0] == 0


CHILD = """
import asyncio, sys
from desktop.secrets import KeyStore
from desktop.services import sync as s
from desktop.workspace import Workspace
ws = Workspace.open(sys.argv[1], KeyStore())
asyncio.run(s.run_sync(ws, page_size=50))
"""


def test_killed_mid_push_loses_nothing_and_duplicates_nothing(fresh_tryton, tmp_path: Path, monkeypatch) -> None:
    keyring.set_keyring(fail.Keyring())        # the key goes to a key file the child process can read
    password = fresh_tryton.users[REP]
    monkeypatch.setenv("REPDESK_PASSWORD", password)
    path = tmp_path / "killed"
    ws = Workspace.create(path, KeyStore(), kind="central")
    sync_service.connect(ws, sync_service.CentralSettings("tryton", fresh_tryton.url, fresh_tryton.database, REP),
                         password)
    sync(ws)
    service = AccountService(ws.store)
    account = ws.store.conn.execute("SELECT id FROM accounts WHERE deleted = 0 LIMIT 1").fetchone()[0]
    for i in range(300):
        service.add_activity(account, f"note {i}", kind="note")
    ws.close()
    env = {**os.environ, "REPDESK_PASSWORD": password}
    rng = random.Random(11)
    kills = 0
    for _ in range(60):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], env=env, cwd=str(Path.cwd()),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.6))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait(60)
        if kills >= 20:
            break
    assert kills >= 20
    final = subprocess.run([sys.executable, "-c", CHILD, str(path)], env=env, capture_output=True, text=True,
                           timeout=300)
    assert final.returncode == 0, final.stderr[-2000:]
    ws = Workspace.open(path, KeyStore())
    try:
        client_ids = [r[0] for r in ws.store.conn.execute("SELECT client_id FROM outbox WHERE entity = 'activity'")]
        assert len(client_ids) == 300
        assert ws.store.conn.execute("SELECT count(*) FROM outbox WHERE state != 'done'").fetchone()[0] == 0
        call = central(fresh_tryton, REP)
        rows = call("model.repdesk.activity.search_read", [[["client_id", "in", client_ids]], 0, None, None,
                                                          ["client_id"]])
        assert len(rows) == 300 and len({r["client_id"] for r in rows}) == 300
    finally:
        ws.close()


def test_scheduler_syncs_on_start_on_demand_and_when_the_server_is_back(rep_ws: Workspace, fresh_tryton) -> None:
    events: list = []
    real = dict(rep_ws.info.settings["central"])

    async def scenario() -> None:
        rep_ws.info.settings["central"] = {**real, "url": "http://127.0.0.1:9/"}     # nothing listens there
        scheduler = sync_service.SyncScheduler(rep_ws, events.append, probe_delays=(0.5, 1.0), retries=1,
                                               backoff_base=0.01)
        scheduler.start()
        for _ in range(200):
            await asyncio.sleep(0.05)
            if any(e.kind == "offline" for e in events):
                break
        assert scheduler.offline
        rep_ws.info.settings["central"] = real                                       # the link is back
        for _ in range(400):
            await asyncio.sleep(0.05)
            if any(e.kind == "finished" for e in events):
                break
        assert not scheduler.offline
        before = sum(e.kind == "finished" for e in events)
        AccountService(rep_ws.store).add_activity(
            rep_ws.store.conn.execute("SELECT id FROM accounts WHERE deleted = 0 LIMIT 1").fetchone()[0], "F5 test")
        scheduler.request()                                                          # "Sync now"
        for _ in range(400):
            await asyncio.sleep(0.05)
            if sum(e.kind == "finished" for e in events) > before:
                break
        await scheduler.stop()

    asyncio.run(scenario())
    kinds = [e.kind for e in events]
    assert kinds[0] == "started" and "offline" in kinds and kinds.count("finished") >= 2
    offline = next(e for e in events if e.kind == "offline")
    assert offline.next_in_s == 0.5 and "cannot be reached" in offline.message
    last = [e for e in events if e.kind == "finished"][-1]
    assert last.report.pushed == 1 and last.next_in_s == sync_service.interval_minutes(rep_ws) * 60
    assert any(e.kind == "progress" and e.progress.phase.startswith("pull:") for e in events)


def test_suggestion_feedback_reaches_the_centre(rep_ws: Workspace, fresh_tryton, encoder) -> None:
    from desktop.services.assistant import Assistant
    from local_models.intents import IntentRecogniser, default_pack

    assistant = Assistant(rep_ws.store, IntentRecogniser(encoder), default_pack(), rep=REP)   # the shared encoder: no close here
    assistant.fit()
    result = assistant.suggest("请报一下100盒血糖试纸的价格")
    assistant.record_feedback(result.actions[0].suggestion_id, "reject", "wrong_action",
                              reason_text="先确认库存")
    assistant.record_feedback(result.actions[1].suggestion_id, "edit", edited_text="您好，报价单稍后发您。")
    report = sync(rep_ws)
    assert report.of("feedback").pushed == 2
    call = central(fresh_tryton, REP)
    rows = call("model.repdesk.feedback.search_read", [[], 0, None, [["id", "ASC"]],
                                                       ["verdict", "reason", "intent", "action", "message_text",
                                                        "edited_text", "rep.login"]])
    assert [(r["verdict"], r["reason"]) for r in rows] == [("reject", "wrong_action"), ("edit", "")]
    assert rows[0]["intent"] == result.intent and rows[0]["message_text"] == "请报一下100盒血糖试纸的价格"
    assert rows[1]["edited_text"] == "您好，报价单稍后发您。" and rows[0]["rep."]["login"] == REP
    assert rep_ws.store.conn.execute("SELECT count(*) FROM feedback WHERE remote_id IS NULL").fetchone()[0] == 0


def test_an_account_handed_to_the_rep_arrives_with_its_older_contacts(rep_ws: Workspace, fresh_tryton) -> None:
    """The party changes (new owner) but its contacts do not: they are older than the contact cursor and only
    the id reconciliation brings them."""
    call = central(fresh_tryton)
    (wang,) = call("model.res.user.search", [[["login", "=", REP]], 0, None, None])
    (li,) = call("model.res.user.search", [[["login", "=", "rep.li"]], 0, None, None])
    party = call("model.party.party.search", [[["repdesk_rep", "=", li]], 0, 1, [["id", "ASC"]]])[0]
    contacts = call("model.repdesk.contact.search", [[["party", "=", party]], 0, None, None])
    assert contacts
    call("model.party.party.write", [[party], {"repdesk_rep": wang}])
    report = sync(rep_ws)
    assert not report.errors, report.errors
    acc = rep_ws.store.conn.execute("SELECT id FROM accounts WHERE remote_id = ? AND deleted = 0",
                                    (party,)).fetchone()
    assert acc is not None
    local = {r[0] for r in rep_ws.store.conn.execute(
        "SELECT remote_id FROM contacts WHERE account_id = ? AND deleted = 0", (acc[0],))}
    assert local == set(contacts)
