"""The action ranker and product matcher on hand-built contexts: pure, deterministic, explainable."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from local_models.actions import (
    ACTIONS,
    INTENT_ACTIONS,
    CustomerContext,
    EvidenceLine,
    OpportunityFact,
    OrderFact,
    ProductFact,
    PromotionFact,
    StockFact,
    match_products,
    rank_actions,
)
from local_models.intents import default_pack

NOW = "2026-12-04T09:30:00Z"
AS_OF = "2026-12-04T09:12:00Z"


def product(pid, sku, zh, en, cat, qty=(120, 40, 0), launched="2022-01-01", price=16800):
    stock = tuple(StockFact(w, q, q, AS_OF) for w, q in zip(("上海仓 Shanghai WH", "杭州仓 Hangzhou WH",
                                                                "南京仓 Nanjing WH"), qty, strict=True))
    return ProductFact(pid, sku, zh, en, cat, price, launched, stock)


CATALOGUE = [
    product(1, "GM-KD-100", "康达血糖仪 KD-100", "Kangda Blood Glucose Meter KD-100", "glucose_meter"),
    product(2, "GM-KD-300", "康达新款血糖仪 KD-300（免调码·语音播报）", "Kangda Glucose Meter KD-300 (no coding, voice)",
            "glucose_meter", launched="2026-10-30"),
    product(3, "TS-KD-050", "康达血糖试纸 50片/盒", "Kangda Glucose Test Strips, 50/box", "test_strip", qty=(0, 0, 0)),
    product(4, "BP-KD-A10", "康达上臂式电子血压计 A10", "Kangda Upper-Arm BP Monitor A10", "bp_monitor", qty=(5, 3, 0)),
    product(5, "CS-KD-GLV", "丁腈检查手套 100只/盒", "Nitrile Examination Gloves, 100/box", "consumable"),
    product(6, "LN-KD-100", "康达一次性采血针 28G 100支/盒", "Kangda Safety Lancets 28G, 100/box", "lancet"),
]


def ctx(**kw) -> CustomerContext:
    base = CustomerContext(account_id=7, account_name="上海仁济药房", region="shanghai", tier="B",
                           industry="pharmacy", consent={"email": True, "phone": True, "sms": None, "wechat": None},
                           data_as_of=AS_OF, now=NOW, days_since_last_order=12, cadence_days=30.0,
                           avg_order_cents=860_000, orders_12m=11)
    return replace(base, **kw)


def test_every_pack_intent_has_candidates_that_exist() -> None:
    for label in default_pack().label_ids:
        assert label in INTENT_ACTIONS, label
        for action, base in INTENT_ACTIONS[label]:
            assert action in ACTIONS and 0 < base <= 1


@pytest.mark.parametrize(("text", "expected"), [
    ("最近有新款血糖仪吗?", "GM-KD-300"),                  # the new meter first
    ("Any new glucose meters this quarter?", "GM-KD-300"),
    ("血糖试纸还有货吗", "TS-KD-050"),
    ("we need 30 boxes of test strips", "TS-KD-050"),
    ("Please quote BP-KD-A10 x 20", "BP-KD-A10"),          # a SKU wins outright
    ("丁腈手套报价", "CS-KD-GLV"),
])
def test_match_products(text: str, expected: str) -> None:
    found = match_products(text, CATALOGUE)
    assert found and found[0].sku == expected


def test_match_products_ignores_brand_only_and_unrelated_text() -> None:
    assert match_products("康达的人你好", CATALOGUE) == []          # the brand is in every name: says nothing
    assert match_products("Where is my order #4411?", CATALOGUE) == []
    assert match_products("", CATALOGUE) == [] and match_products("血糖仪", []) == []


def test_out_of_stock_product_puts_stock_first_with_erp_evidence() -> None:
    strips = CATALOGUE[2]
    ranked = rank_actions("quote_request", ctx(products=(strips,)), top_k=4)
    assert ranked[0].action in ("prepare_quote", "check_stock")
    stock = next(r for r in ranked if r.action == "check_stock")
    line = stock.evidence[0]
    assert line.kind == "stock_out" and line.source == "ERP" and line.as_of == AS_OF
    assert "stock_levels:product=3" in line.record
    assert "0 in every warehouse" in line.render("en") and "缺货" in line.render("zh")


def test_stock_evidence_reads_like_the_issue() -> None:
    ranked = rank_actions("product_inquiry", ctx(products=(CATALOGUE[0],)))
    lines = [ev for r in ranked for ev in r.evidence if ev.kind == "stock"]
    assert lines
    text = lines[0].render("en")
    assert text.startswith("Stock: 120 units of Kangda Blood Glucose Meter KD-100 in 上海仓 Shanghai WH (ERP, synced ")
    assert "09:12" in text or "2026-12-04" in text


def test_order_status_cites_the_order_record() -> None:
    order = OrderFact("SO2026-04411", "processing", "2026-11-20", 1_234_500, "上海仓 Shanghai WH")
    ranked = rank_actions("order_status", ctx(orders=(order,), order_numbers=(order.number,), hours_waiting=30))
    assert ranked[0].action == "share_order_status"
    assert any(ev.record == "SO2026-04411" for ev in ranked[0].evidence)
    # 14 days in processing and a customer waiting 30 h: expediting is next
    assert ranked[1].action == "expedite_delivery"
    assert any(ev.kind == "waiting" for ev in ranked[1].evidence)
    assert "备货/发运中" in next(ev for ev in ranked[0].evidence if ev.kind == "order").render("zh")


def test_unknown_order_number_is_flagged() -> None:
    ranked = rank_actions("order_status", ctx())
    assert any(ev.kind == "order_not_found" for r in ranked for ev in r.evidence)


def test_cadence_and_competitor_promotion_shape_the_ranking() -> None:
    promo = PromotionFact(31, "鱼跃 Yuwell", "血糖仪买二送一", "glucose_meter", 33.0, "2026-12-31")
    calm = rank_actions("competitor_mention", ctx(products=(CATALOGUE[0],)), top_k=5)
    hot = rank_actions("competitor_mention", ctx(products=(CATALOGUE[0],), promotions=(promo,),
                                                 days_since_last_order=75), top_k=5)
    score = {r.action: r.score for r in calm}
    hot_score = {r.action: r.score for r in hot}
    assert hot[0].action == "counter_competitor" and hot_score["counter_competitor"] > score["counter_competitor"]
    kinds = {ev.kind for ev in hot[0].evidence}
    assert {"promotion", "cadence_overdue"} <= kinds
    # a promotion in another category is not evidence
    other = replace(promo, category="bp_monitor")
    again = rank_actions("competitor_mention", ctx(products=(CATALOGUE[0],), promotions=(other,)), top_k=5)
    assert not any(ev.kind == "promotion" for r in again for ev in r.evidence)


def test_open_opportunity_backs_the_quote() -> None:
    opp = OpportunityFact(9, "社区卫生中心血糖仪集采", "proposal", 4_800_000, 60, "2026-12-20")
    ranked = rank_actions("quote_request", ctx(open_opportunities=(opp,)))
    quote = next(r for r in ranked if r.action == "prepare_quote")
    line = next(ev for ev in quote.evidence if ev.kind == "opportunity")
    assert line.record == "opportunities:9" and "48,000" in line.render("en")


def test_consent_picks_the_channel_and_sinks_marketing_without_it() -> None:
    wechat_only = rank_actions("renewal_contract", ctx(consent={"email": False, "phone": False, "wechat": True}))
    assert wechat_only[0].action == "renewal_offer" and wechat_only[0].channel == "wechat"
    none = rank_actions("renewal_contract", ctx(consent={"email": False, "phone": False, "sms": False,
                                                         "wechat": False}), top_k=4)
    renewal = next(r for r in none if r.action == "renewal_offer")
    assert renewal.channel == "" and any(ev.kind == "consent_none" for ev in renewal.evidence)
    assert none[0].action != "renewal_offer"


def test_no_account_and_unknown_intent_still_give_grounded_actions() -> None:
    anon = CustomerContext(None, "", now=NOW)
    for intent in (None, "other", "not-a-label"):
        ranked = rank_actions(intent, anon, confidence=0.2)
        assert ranked[0].action == "review_manually"
        assert all(r.evidence for r in ranked)
        assert all(r.action in ACTIONS for r in ranked)


def test_ranking_is_deterministic_bounded_and_serialisable() -> None:
    c = ctx(products=tuple(CATALOGUE[:2]), hours_waiting=50)
    first = rank_actions("complaint", c, top_k=10)
    assert first == rank_actions("complaint", c, top_k=10)
    assert [r.score for r in first] == sorted((r.score for r in first), reverse=True)
    assert all(0 <= r.score <= 1 for r in first)
    assert len(rank_actions("complaint", c, top_k=2)) == 2 and rank_actions("complaint", c, top_k=0) == []
    for r in first:
        for ev in r.evidence:
            json.dumps({"params": dict(ev.params), "en": ev.render("en"), "zh": ev.render("zh")}, ensure_ascii=False)
            assert r.title("zh") != r.title("en")


def test_render_survives_odd_params() -> None:
    line = EvidenceLine("stock", {"qty": 1}, "ERP", "x", "not-a-time")
    assert line.render("en").startswith("stock:")          # missing params: a plain fallback, never an exception
    assert EvidenceLine("mystery", {}, "ERP", "x").render("zh") == "mystery"
