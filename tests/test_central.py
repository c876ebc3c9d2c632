"""The central Tryton server (central/): up, seeded with the demo book of business, access rules as
designed."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from tests.tryton_server import TrytonRPCError, TrytonServer

REPS = ("rep.wang", "rep.li", "rep.zhang")


@pytest.fixture(scope="module")
def admin(fresh_tryton: TrytonServer):
    # counts below compare with the seed: start this module on a fresh copy of the snapshot
    return fresh_tryton.rpc("admin")


def count(call, model: str, domain: list | None = None, **context) -> int:
    return call(f"model.{model}.search_count", [domain or [], 0, None], context or None)


def test_server_is_tryton_8_2(tryton: TrytonServer) -> None:
    assert tryton.url.startswith("http://127.0.0.1:")
    assert tryton.database == "repdesk"
    assert tryton.version() == "8.2"


def test_reps_and_manager_log_in(tryton: TrytonServer) -> None:
    assert set(tryton.users) == {*REPS, "mgr.chen"}
    for login in tryton.users:
        call = tryton.rpc(login)
        prefs = call("model.res.user.get_preferences", [True])
        assert prefs["company"] and prefs["employee"], login
    with pytest.raises(TrytonRPCError):
        tryton.rpc("rep.wang", password="not-the-password")


def test_seeded_counts_match_the_demo(tryton: TrytonServer, admin) -> None:
    meta = tryton.meta
    demo, counts = meta["demo_summary"], meta["counts"]
    assert counts["parties"] == demo["accounts"] == meta["accounts"]
    assert count(admin, "party.party", [["repdesk_rep", "!=", None]]) == demo["accounts"]
    assert count(admin, "repdesk.contact") == demo["contacts"]
    assert count(admin, "product.template", active_test=False) == demo["products"]
    assert count(admin, "stock.location", [["type", "=", "warehouse"]]) == demo["warehouses"]
    if meta["max_orders"] is None:
        assert count(admin, "sale.sale") == demo["orders"]
        assert count(admin, "sale.line") == demo["order_lines"]
    assert count(admin, "sale.opportunity") == demo["opportunities"]
    assert count(admin, "repdesk.activity") == demo["activities"]
    assert count(admin, "repdesk.promotion") == demo["promotions"]
    # every account has an owner among the reps, phone/e-mail read back through the standard fields
    party = admin(
        "model.party.party.search_read",
        [
            [["code", "=", "C000001"]],
            0,
            1,
            None,
            ["name", "phone", "email", "repdesk_rep.login", "addresses.city", "repdesk_tier"],
        ],
    )[0]
    assert party["repdesk_rep."]["login"] in REPS
    assert party["phone"] and party["addresses."][0]["city"]
    assert party["repdesk_tier"] in {"A", "B", "C"}


def test_sales_totals_and_stock_read_back(admin, tryton: TrytonServer) -> None:
    sale = admin(
        "model.sale.sale.search_read",
        [
            [["state", "=", "done"]],
            0,
            1,
            [["sale_date", "DESC"]],
            ["number", "total_amount", "employee", "warehouse.code", "lines.quantity", "lines.unit_price"],
        ],
    )[0]
    assert sale["number"].startswith("SO")
    assert sale["employee"] and sale["warehouse."]["code"] in {"SH", "HZ", "NJ"}
    expected = sum(Decimal(str(line["quantity"])) * line["unit_price"] for line in sale["lines."])
    assert sale["total_amount"] == expected.quantize(Decimal("0.01"))
    wh = tryton.meta["ids"]["warehouses"]["SH"]
    products = admin(
        "model.product.product.search_read",
        [[], 0, None, None, ["code", "quantity", "forecast_quantity"]],
        {"locations": [wh]},
    )
    assert sum(p["quantity"] for p in products) > 0
    assert any(p["quantity"] != p["forecast_quantity"] for p in products)


def test_rep_sees_only_own_activities_contacts_and_feedback(tryton: TrytonServer, admin) -> None:
    wang, li = tryton.rpc("rep.wang"), tryton.rpc("rep.li")
    total_activities = count(admin, "repdesk.activity")
    acts = wang("model.repdesk.activity.search_read", [[], 0, None, None, ["rep"]])
    assert acts and all(a["rep"] == wang.uid for a in acts)
    assert len(acts) < total_activities
    contacts = wang("model.repdesk.contact.search_read", [[], 0, None, None, ["party.repdesk_rep"]])
    assert contacts and all(c["party."]["repdesk_rep"] == wang.uid for c in contacts)
    assert len(contacts) < count(admin, "repdesk.contact")
    # reps read every account, product and sale (the sync narrows by owner itself)
    assert count(wang, "party.party") == count(admin, "party.party")
    assert count(wang, "sale.sale") == count(admin, "sale.sale")

    li_party = li("model.party.party.search", [[["repdesk_rep", "=", li.uid]], 0, 1, None])[0]
    client_id = str(uuid.uuid4())
    [act_id] = li(
        "model.repdesk.activity.create",
        [
            [
                {
                    "party": li_party,
                    "kind": "call",
                    "subject": "回访",
                    "occurred_at": dt.datetime(2026, 5, 1, 2, 30),
                    "client_id": client_id,
                }
            ]
        ],
    )
    [fb_id] = li("model.repdesk.feedback.create", [[{"client_id": client_id, "verdict": "accept"}]])
    assert wang("model.repdesk.activity.search", [[["id", "=", act_id]], 0, None, None]) == []
    assert wang("model.repdesk.feedback.search", [[["id", "=", fb_id]], 0, None, None]) == []
    with pytest.raises(TrytonRPCError):
        wang("model.repdesk.activity.write", [[act_id], {"subject": "not mine"}])
    # a rep cannot create records in another rep's name
    with pytest.raises(TrytonRPCError):
        wang(
            "model.repdesk.activity.create",
            [
                [
                    {
                        "party": li_party,
                        "kind": "note",
                        "rep": li.uid,
                        "occurred_at": dt.datetime(2026, 5, 1),
                        "client_id": "x",
                    }
                ]
            ],
        )
    manager = tryton.rpc("mgr.chen")
    assert manager("model.repdesk.activity.search", [[["id", "=", act_id]], 0, None, None]) == [act_id]
    assert count(manager, "repdesk.activity") == total_activities + 1


def test_client_id_is_unique_and_required_for_reps(tryton: TrytonServer) -> None:
    wang = tryton.rpc("rep.wang")
    party = wang("model.party.party.search", [[["repdesk_rep", "=", wang.uid]], 0, 1, None])[0]
    values = {
        "party": party,
        "kind": "visit",
        "occurred_at": dt.datetime(2026, 5, 2, 6, 0),
        "client_id": str(uuid.uuid4()),
    }
    wang("model.repdesk.activity.create", [[values]])
    with pytest.raises(TrytonRPCError) as dup:
        wang("model.repdesk.activity.create", [[values]])
    assert "client id" in str(dup.value.payload)
    with pytest.raises(TrytonRPCError):
        wang("model.repdesk.activity.create", [[{**values, "client_id": None}]])


def test_rep_moves_an_opportunity_stage(tryton: TrytonServer) -> None:
    wang = tryton.rpc("rep.wang")
    emp = wang.context["employee"]
    opp = wang(
        "model.sale.opportunity.search_read",
        [
            [["employee", "=", emp], ["state", "=", "opportunity"]],
            0,
            1,
            None,
            ["repdesk_stage", "probability", "_timestamp"],
        ],
    )[0]
    wang(
        "model.sale.opportunity.write",
        [[opp["id"]], {"repdesk_stage": "negotiation", "probability": 70}],
        {"_timestamp": {f"sale.opportunity,{opp['id']}": opp["_timestamp"]}},
    )
    after = wang("model.sale.opportunity.read", [[opp["id"]], ["repdesk_stage", "probability", "state"]])[0]
    assert (after["repdesk_stage"], after["probability"], after["state"]) == (
        "negotiation",
        70,
        "opportunity",
    )
    wang("model.sale.opportunity.write", [[opp["id"]], {"repdesk_stage": "won"}])
    assert wang("model.sale.opportunity.read", [[opp["id"]], ["state"]])[0]["state"] == "won"


def test_restore_gives_a_fresh_database(tryton: TrytonServer) -> None:
    wang = tryton.rpc("rep.wang")
    party = wang("model.party.party.search", [[["repdesk_rep", "=", wang.uid]], 0, 1, None])[0]
    [act] = wang(
        "model.repdesk.activity.create",
        [
            [
                {
                    "party": party,
                    "kind": "note",
                    "client_id": str(uuid.uuid4()),
                    "occurred_at": dt.datetime(2026, 5, 3),
                }
            ]
        ],
    )
    tryton.restore()
    # the old session died with the old database: the helper logs in again
    assert wang("model.repdesk.activity.search", [[["id", "=", act]], 0, None, None]) == []
    assert count(tryton.rpc("admin"), "repdesk.activity") == tryton.meta["demo_summary"]["activities"]
