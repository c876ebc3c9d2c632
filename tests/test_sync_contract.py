"""The data contract: the shipped file loads, and every kind of mistake in it is a clear error at start-up."""

from __future__ import annotations

import copy
import datetime as _dt
import json
from decimal import Decimal

import pytest

from sync import contract as C


def raw() -> dict:
    return json.loads(C.default_contract_path().read_text(encoding="utf-8"))


def test_the_shipped_contract_loads_and_orders_references() -> None:
    contract = C.load()
    order = [e.name for e in contract.pull_order()]
    assert order.index("account") < order.index("contact") < order.index("activity")
    assert order.index("order") < order.index("order_line") and order.index("product") < order.index("order_line")
    assert "feedback" not in order                                   # push-only
    opp = contract.entity("opportunity")
    assert set(opp.editable) == {"stage", "amount_cents", "probability"}
    assert opp.fields["stage"].rule == "ask" and opp.fields["probability"].rule == "local_wins"
    assert contract.entity("activity").client_id == "client_id" and "create" in contract.entity("activity").push
    assert "last_modified_at" in contract.entity("account").read_fields()


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d.pop("version"), "version"),
    (lambda d: d.update(format=2), "format 1"),
    (lambda d: d["entities"]["account"].pop("model"), "account.*'model'"),
    (lambda d: d["entities"]["account"]["fields"]["tier"].update(type="colour"), "account.tier.*unknown type"),
    (lambda d: d["entities"]["contact"]["fields"]["phone"].update(rule="coin_toss"), "unknown conflict rule"),
    (lambda d: d["entities"]["contact"]["fields"]["account_id"].update(ref="galaxy"), "unknown entity 'galaxy'"),
    (lambda d: d["entities"]["activity"].pop("client_id"), "exactly-once"),
    (lambda d: d["entities"]["account"]["fields"]["owner"].update(editable=True), "related field"),
    (lambda d: d["entities"]["warehouse"]["fields"].update(x={"central": "y", "type": "ref", "ref": "order"}),
     "cycle"),
])
def test_invalid_contracts_fail_clearly(mutate, message: str) -> None:
    data = copy.deepcopy(raw())
    mutate(data)
    with pytest.raises(C.ContractError, match=message):
        C.parse(data, "test.json")


def test_missing_and_unreadable_files(tmp_path) -> None:
    with pytest.raises(C.ContractError, match="missing"):
        C.load(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(C.ContractError, match="cannot be read"):
        C.load(tmp_path / "bad.json")


def test_value_conversions_round_trip() -> None:
    f = C.FieldSpec
    money = f("amount_cents", "amount", "money")
    assert C.to_local(money, Decimal("1234.56")) == 123456 and C.to_central(money, 123456) == Decimal("1234.56")
    consent = f("consent_email", "consent_email", "consent")
    assert [C.to_local(consent, v) for v in ("in", "out", None, "")] == [1, 0, None, None]
    assert [C.to_central(consent, v) for v in (1, 0, None)] == ["in", "out", None]
    date = f("d", "d", "date")
    assert C.to_local(date, _dt.date(2026, 12, 4)) == "2026-12-04"
    assert C.to_central(date, "2026-12-04") == _dt.date(2026, 12, 4)
    stamp = f("t", "t", "datetime")
    assert C.to_local(stamp, _dt.datetime(2026, 12, 4, 9, 12, 5, 77)) == "2026-12-04T09:12:05Z"
    assert C.to_central(stamp, "2026-12-04T09:12:05Z") == _dt.datetime(2026, 12, 4, 9, 12, 5)
    char = f("c", "c", "char")
    assert C.to_local(char, None) == "" and C.same(char, "", None)
    assert C.read_path({"repdesk_rep.": {"login": "rep.wang", "id": 3}}, "repdesk_rep.login") == "rep.wang"
    assert C.read_path({"addresses.": [{"street": "1 Road"}, {"street": "2"}]}, "addresses.street") == "1 Road"
    assert C.read_path({"addresses.": []}, "addresses.street") is None
    assert C.read_path({"lines": [7, 8]}, "lines") == 7
