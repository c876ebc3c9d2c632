"""Next-best actions: candidate actions per intent, scored on the account's context, each with evidence lines.

Pure Python and deterministic: the same intent and context always give the same ranking (the decision log can
replay it). This module knows nothing of our store: `desktop/services/context.py` fills a `CustomerContext`.

Scoring is additive and explainable: every adjustment to an action's base score comes with the evidence line that
caused it, so the rep sees *why* an action is ranked where it is.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# -- facts ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockFact:
    warehouse: str
    quantity: float
    forecast_quantity: float
    as_of: str                       # ISO time the ERP figure was read


@dataclass(frozen=True)
class ProductFact:
    product_id: int
    sku: str
    name_zh: str
    name_en: str
    category: str
    list_price_cents: int
    launched_on: str | None = None
    stock: tuple[StockFact, ...] = ()

    @property
    def on_hand(self) -> float:
        return sum(s.quantity for s in self.stock)

    @property
    def stock_as_of(self) -> str:
        return max((s.as_of for s in self.stock), default="")


@dataclass(frozen=True)
class OpportunityFact:
    opportunity_id: int
    title: str
    stage: str
    amount_cents: int
    probability: int
    expected_close: str | None


@dataclass(frozen=True)
class PromotionFact:
    promotion_id: int
    competitor: str
    title: str
    category: str
    discount_pct: float
    ends_on: str


@dataclass(frozen=True)
class OrderFact:
    number: str
    state: str
    order_date: str
    total_cents: int
    warehouse: str = ""


@dataclass(frozen=True)
class CustomerContext:
    account_id: int | None
    account_name: str
    region: str = ""
    tier: str = ""
    industry: str = ""
    language: str = "en"
    products: tuple[ProductFact, ...] = ()          # products the message mentions (matched on the catalogue)
    usual_products: tuple[ProductFact, ...] = ()    # what this account buys most
    days_since_last_order: int | None = None
    cadence_days: float | None = None               # median days between orders
    avg_order_cents: int | None = None              # over the last 12 months
    orders_12m: int = 0
    open_opportunities: tuple[OpportunityFact, ...] = ()
    promotions: tuple[PromotionFact, ...] = ()      # competitor promotions running in the account's region
    consent: Mapping[str, bool | None] = field(default_factory=dict)   # channel -> opted in / out / never asked
    order_numbers: tuple[str, ...] = ()
    orders: tuple[OrderFact, ...] = ()              # the orders the message refers to
    account_from_order: str = ""                    # the order number that identified the account, if it did
    hours_waiting: float = 0.0                      # since the message arrived
    data_as_of: str = ""                            # last ERP stock read
    now: str = ""


# -- evidence -----------------------------------------------------------------------------------------------

_STAGES = {"lead": ("线索", "lead"), "qualified": ("已确认", "qualified"), "proposal": ("方案", "proposal"),
           "negotiation": ("谈判", "negotiation")}
_STATES = {"draft": ("草稿", "draft"), "confirmed": ("已确认", "confirmed"), "processing": ("备货/发运中", "processing"),
           "done": ("已完成", "done"), "cancelled": ("已取消", "cancelled")}
_CHANNELS = {"email": ("邮件", "email"), "phone": ("电话", "phone"), "sms": ("短信", "SMS"),
             "wechat": ("微信", "WeChat")}

# kind -> (zh template, en template). Parameters are filled with str.format.
_TEMPLATES: dict[str, tuple[str, str]] = {
    "stock": ("库存：{name_zh} 在{warehouse}有 {qty} 件（{source}，同步于 {as_of}）",
              "Stock: {qty} units of {name_en} in {warehouse} ({source}, synced {as_of})"),
    "stock_low": ("库存紧张：{name_zh} 全部仓库仅剩 {qty} 件（{source}，同步于 {as_of}）",
                  "Low stock: only {qty} units of {name_en} across warehouses ({source}, synced {as_of})"),
    "stock_out": ("缺货：{name_zh} 各仓库存为 0，预计可用 {forecast} 件（{source}，同步于 {as_of}）",
                  "Out of stock: {name_en} is at 0 in every warehouse, {forecast} expected ({source}, synced {as_of})"),
    "new_product": ("新品：{name_zh} 于 {launched} 上市，单价 ¥{price}",
                    "New product: {name_en}, launched {launched}, list price ¥{price}"),
    "price": ("目录价：{name_zh} ¥{price}", "List price: {name_en} ¥{price}"),
    "no_product": ("消息中未识别到具体产品，常购：{usual_zh}",
                   "No specific product recognised in the message; usually buys: {usual_en}"),
    "cadence_overdue": ("采购节奏：通常每 {cadence} 天下单，距上次已 {days} 天",
                        "Purchase cadence: orders every {cadence} days, last order {days} days ago"),
    "cadence_ok": ("采购节奏：通常每 {cadence} 天下单，距上次 {days} 天",
                   "Purchase cadence: orders every {cadence} days, last order {days} days ago"),
    "no_orders": ("近两年无订单记录", "No orders on record"),
    "order_value": ("近 12 个月 {n} 单，平均每单 ¥{avg}", "{n} orders in the last 12 months, average ¥{avg}"),
    "opportunity": ("进行中的商机：{title}（{stage_zh}，¥{amount}，赢率 {probability}%，预计 {close}）",
                    "Open opportunity: {title} ({stage_en}, ¥{amount}, {probability}% likely, closes {close})"),
    "promotion": ("竞品促销：{competitor}「{title}」，{discount}% 折扣，至 {ends}",
                  "Competitor promotion: {competitor} \u201c{title}\u201d, {discount}% off until {ends}"),
    "order": ("订单 {number}：{state_zh}，下单于 {date}，金额 ¥{total}{warehouse_zh}",
              "Order {number}: {state_en}, placed {date}, ¥{total}{warehouse_en}"),
    "order_not_found": ("消息中的订单号未在本客户订单中找到，请核对",
                        "The order number in the message was not found among this account's orders"),
    "waiting": ("客户已等待 {hours} 小时", "The customer has been waiting {hours} hours"),
    "consent_channel": ("联系渠道：客户同意{channel_zh}联系", "Channel: the contact agreed to {channel_en}"),
    "consent_none": ("未获得营销联系同意，仅可回复客户来信", "No marketing consent: reply to the customer only"),
    "consent_unknown": ("未记录联系同意，请先确认", "Consent not recorded: confirm before outreach"),
    "tier": ("客户等级 {tier}", "Account tier {tier}"),
    "intent": ("意图：{intent}（置信度 {confidence}%）", "Intent: {intent} ({confidence}% confident)"),
    "needs_review": ("意图不确定，请人工判断", "Intent unclear: needs the rep's review"),
    "account_from_order": ("客户由订单 {number} 识别：{account}", "Customer identified from order {number}: {account}"),
    "unknown_account": ("未关联客户，无法查看购买记录", "No account linked: purchase history not available"),
}


def _short_time(as_of: str, now: str) -> str:
    """"09:12" for today's figures, "2026-11-30 09:12" otherwise, as-is when unparsable."""
    try:
        t = _dt.datetime.fromisoformat(as_of.replace("Z", "+00:00"))
    except ValueError:
        return as_of
    try:
        n = _dt.datetime.fromisoformat(now.replace("Z", "+00:00"))
    except ValueError:
        n = None
    if t.tzinfo is not None:
        t = t.astimezone()
        n = n.astimezone() if n is not None and n.tzinfo is not None else n
    if n is not None and t.date() == n.date():
        return t.strftime("%H:%M")
    return t.strftime("%Y-%m-%d %H:%M") if (t.hour or t.minute) else t.strftime("%Y-%m-%d")


@dataclass(frozen=True)
class EvidenceLine:
    """One fact behind a suggestion: what it says (`kind` + `params`), where it came from and how fresh it is."""

    kind: str
    params: Mapping[str, object]
    source: str                   # "ERP", "CRM", "orders", "message", "contact", "recogniser"
    record: str                   # the record it came from, e.g. "stock_levels:product=12" or "SO2026-00123"
    as_of: str = ""

    def render(self, lang: str = "en") -> str:
        zh, en = _TEMPLATES.get(self.kind, ("{kind}", "{kind}"))
        template = zh if lang.startswith("zh") else en
        params = {k: v for k, v in self.params.items()}
        params.setdefault("source", self.source)
        params["as_of"] = _short_time(self.as_of, str(self.params.get("now", ""))) if self.as_of else "?"
        try:
            return template.format(kind=self.kind, **params)
        except (KeyError, IndexError, ValueError):
            return f"{self.kind}: {dict(self.params)}"


# -- actions ------------------------------------------------------------------------------------------------

# action id -> (zh title, en title, outbound marketing?)
ACTIONS: dict[str, tuple[str, str, bool]] = {
    "send_product_info": ("发送产品资料与对比表", "Send product details and comparison table", False),
    "offer_sample": ("提供样品", "Offer a sample", True),
    "prepare_quote": ("准备报价单", "Prepare a quote", False),
    "check_stock": ("核对/催调库存", "Check or expedite stock", False),
    "share_order_status": ("告知订单状态与物流", "Share order status and tracking", False),
    "expedite_delivery": ("催促发货/物流", "Expedite the delivery", False),
    "amend_order": ("修改或取消订单", "Amend or cancel the order", False),
    "start_return": ("发起退换货", "Start a return or replacement", False),
    "escalate_service": ("升级至售后服务", "Escalate to customer service", False),
    "handover_finance": ("转交财务处理", "Hand over to finance", False),
    "schedule_call": ("安排电话沟通", "Schedule a call", False),
    "schedule_visit": ("安排拜访", "Schedule a visit", False),
    "renewal_offer": ("提出续约方案", "Make a renewal offer", True),
    "counter_competitor": ("针对竞品给出对比与方案", "Counter the competitor offer", True),
    "propose_reorder": ("建议补货下单", "Propose a reorder", True),
    "review_manually": ("人工查看并回复", "Read and reply personally", False),
}

# intent -> candidate actions with base scores (0..1). Unknown intents fall back to "other".
INTENT_ACTIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "product_inquiry": (("send_product_info", 0.8), ("offer_sample", 0.55), ("prepare_quote", 0.45),
                        ("check_stock", 0.35), ("schedule_call", 0.3)),
    "quote_request": (("prepare_quote", 0.9), ("check_stock", 0.5), ("counter_competitor", 0.3),
                      ("schedule_call", 0.3)),
    "sample_request": (("offer_sample", 0.85), ("check_stock", 0.5), ("send_product_info", 0.4),
                       ("schedule_visit", 0.3)),
    "order_status": (("share_order_status", 0.9), ("expedite_delivery", 0.45), ("schedule_call", 0.2)),
    "delivery_problem": (("expedite_delivery", 0.85), ("share_order_status", 0.6), ("escalate_service", 0.45),
                         ("schedule_call", 0.3)),
    "order_change": (("amend_order", 0.9), ("share_order_status", 0.4), ("check_stock", 0.35),
                     ("schedule_call", 0.25)),
    "refund_return": (("start_return", 0.9), ("escalate_service", 0.5), ("handover_finance", 0.35),
                      ("schedule_call", 0.25)),
    "invoice_payment": (("handover_finance", 0.9), ("share_order_status", 0.3), ("schedule_call", 0.25)),
    "complaint": (("escalate_service", 0.85), ("schedule_call", 0.6), ("schedule_visit", 0.4),
                  ("start_return", 0.35)),
    "meeting_request": (("schedule_visit", 0.8), ("schedule_call", 0.7), ("send_product_info", 0.3)),
    "competitor_mention": (("counter_competitor", 0.85), ("prepare_quote", 0.55), ("schedule_visit", 0.45),
                           ("send_product_info", 0.35)),
    "renewal_contract": (("renewal_offer", 0.85), ("schedule_visit", 0.5), ("prepare_quote", 0.45),
                         ("schedule_call", 0.35)),
    "other": (("review_manually", 0.7), ("schedule_call", 0.3), ("propose_reorder", 0.2)),
}

_CHANNEL_ORDER = ("wechat", "email", "phone", "sms")
_ACTION_CHANNELS = {"schedule_call": ("phone", "wechat"), "schedule_visit": ("phone", "wechat", "email"),
                    "send_product_info": ("email", "wechat"), "prepare_quote": ("email", "wechat")}


@dataclass(frozen=True)
class ActionSuggestion:
    action: str
    score: float
    evidence: tuple[EvidenceLine, ...]
    channel: str = ""              # the channel to use, respecting consent ("" = reply on the customer's channel)

    def title(self, lang: str = "en") -> str:
        zh, en, _ = ACTIONS.get(self.action, (self.action, self.action, False))
        return zh if lang.startswith("zh") else en


def _money(cents: int | float | None) -> str:
    return f"{(cents or 0) / 100:,.0f}"


def _qty(q: float) -> str:
    return f"{q:,.0f}" if float(q).is_integer() else f"{q:,.1f}"


def _days_since(iso_date: str | None, now: str) -> int | None:
    if not iso_date:
        return None
    try:
        d = _dt.date.fromisoformat(iso_date[:10])
        n = _dt.date.fromisoformat(now[:10]) if now else _dt.date.today()
    except ValueError:
        return None
    return (n - d).days


def _stock_lines(p: ProductFact, now: str, low: float) -> tuple[list[EvidenceLine], str]:
    """Evidence for one product's stock and its state: "out", "low" or "ok"."""
    record = f"stock_levels:product={p.product_id}"
    base = {"name_zh": p.name_zh, "name_en": p.name_en, "now": now}
    total = p.on_hand
    if not p.stock:
        return [], "unknown"
    if total <= 0:
        forecast = sum(s.forecast_quantity for s in p.stock)
        return [EvidenceLine("stock_out", {**base, "forecast": _qty(max(forecast, 0))}, "ERP", record,
                             p.stock_as_of)], "out"
    if total < low:
        return [EvidenceLine("stock_low", {**base, "qty": _qty(total)}, "ERP", record, p.stock_as_of)], "low"
    best = max(p.stock, key=lambda s: s.quantity)
    return [EvidenceLine("stock", {**base, "qty": _qty(best.quantity), "warehouse": best.warehouse}, "ERP",
                         f"{record},warehouse={best.warehouse}", best.as_of)], "ok"


def _channel(action: str, consent: Mapping[str, bool | None], now: str) -> tuple[str, EvidenceLine | None, float]:
    """The channel an action should use, the consent evidence and a score adjustment."""
    outbound = ACTIONS.get(action, ("", "", False))[2]
    preferred = _ACTION_CHANNELS.get(action, _CHANNEL_ORDER if outbound else ())
    if not preferred:
        return "", None, 0.0
    record = "contacts:consent"
    for ch in preferred:
        if consent.get(ch):
            zh, en = _CHANNELS[ch]
            return ch, EvidenceLine("consent_channel", {"channel_zh": zh, "channel_en": en, "now": now}, "CRM",
                                    record, now), 0.0
    if not outbound:
        return "", None, 0.0
    if consent and all(v is False for v in consent.values()):
        return "", EvidenceLine("consent_none", {"now": now}, "CRM", record, now), -0.45
    if any(v for v in consent.values()):   # opted in somewhere, just not on this action's channels
        ch = next(c for c in _CHANNEL_ORDER if consent.get(c))
        zh, en = _CHANNELS[ch]
        return ch, EvidenceLine("consent_channel", {"channel_zh": zh, "channel_en": en, "now": now}, "CRM",
                                record, now), -0.05
    return "", EvidenceLine("consent_unknown", {"now": now}, "CRM", record, now), -0.15


def rank_actions(intent: str | None, ctx: CustomerContext, top_k: int = 3, confidence: float | None = None,
                 low_stock: float = 20.0) -> list[ActionSuggestion]:
    """Rank the intent's candidate actions on the customer's context; best first, at most `top_k`."""
    now = ctx.now
    candidates = INTENT_ACTIONS.get(intent or "other", INTENT_ACTIONS["other"])
    scores: dict[str, float] = {a: s for a, s in candidates}
    evidence: dict[str, list[EvidenceLine]] = {a: [] for a, _ in candidates}

    def add(action: str, line: EvidenceLine | None, delta: float = 0.0) -> None:
        if action not in scores:
            return
        scores[action] += delta
        if line is not None and line not in evidence[action]:
            evidence[action].append(line)

    # products mentioned: stock, novelty, price
    states = []
    for p in ctx.products[:3]:
        lines, state = _stock_lines(p, now, low_stock)
        states.append(state)
        for line in lines:
            for a in ("check_stock", "prepare_quote", "offer_sample", "send_product_info", "amend_order"):
                add(a, line)
        if state in ("out", "low"):
            add("check_stock", None, 0.35 if state == "out" else 0.2)
            add("prepare_quote", None, -0.1)
            add("offer_sample", None, -0.15 if state == "out" else 0.0)
        age = _days_since(p.launched_on, now)
        if age is not None and age <= 120:
            line = EvidenceLine("new_product", {"name_zh": p.name_zh, "name_en": p.name_en,
                                                "launched": p.launched_on, "price": _money(p.list_price_cents)},
                                "ERP", f"products:{p.sku}", p.launched_on or "")
            add("send_product_info", line, 0.1)
            add("offer_sample", line, 0.1)
        price = EvidenceLine("price", {"name_zh": p.name_zh, "name_en": p.name_en,
                                       "price": _money(p.list_price_cents)}, "ERP", f"products:{p.sku}", ctx.data_as_of)
        add("prepare_quote", price)
    if not ctx.products and ctx.usual_products:
        usual = ctx.usual_products[:3]
        line = EvidenceLine("no_product", {"usual_zh": "、".join(p.name_zh for p in usual),
                                           "usual_en": "; ".join(p.name_en for p in usual)}, "orders",
                            "sales_order_lines:" + ",".join(p.sku for p in usual), ctx.data_as_of)
        for a in ("prepare_quote", "propose_reorder", "send_product_info"):
            add(a, line)

    # the orders the message names
    for o in ctx.orders[:3]:
        zh, en = _STATES.get(o.state, (o.state, o.state))
        line = EvidenceLine("order", {"number": o.number, "state_zh": zh, "state_en": en, "date": o.order_date,
                                      "total": _money(o.total_cents),
                                      "warehouse_zh": f"，{o.warehouse}发货" if o.warehouse else "",
                                      "warehouse_en": f", ships from {o.warehouse}" if o.warehouse else ""},
                            "ERP", o.number, o.order_date)
        for a in ("share_order_status", "expedite_delivery", "amend_order", "start_return", "handover_finance",
                  "escalate_service"):
            add(a, line)
        age = _days_since(o.order_date, now)
        if o.state in ("confirmed", "processing") and age is not None and age > 5:
            add("expedite_delivery", None, 0.25)
        if o.state == "cancelled":
            add("amend_order", None, -0.3)
    if intent in ("order_status", "delivery_problem", "order_change") and not ctx.orders and ctx.account_id:
        line = EvidenceLine("order_not_found", {}, "ERP", "sales_orders", ctx.data_as_of)
        for a in ("share_order_status", "expedite_delivery", "amend_order"):
            add(a, line)
        add("schedule_call", None, 0.1)

    if ctx.account_from_order and ctx.account_id is not None:
        line = EvidenceLine("account_from_order", {"number": ctx.account_from_order, "account": ctx.account_name},
                            "ERP", ctx.account_from_order, now)
        for a in scores:
            add(a, line)

    # purchase cadence and order value
    if ctx.account_id is None:
        line = EvidenceLine("unknown_account", {}, "CRM", "accounts", now)
        for a in scores:
            add(a, line)
    elif ctx.days_since_last_order is None:
        add("propose_reorder", EvidenceLine("no_orders", {}, "orders", f"accounts:{ctx.account_id}", now), -0.1)
    elif ctx.cadence_days:
        overdue = ctx.days_since_last_order > 1.5 * ctx.cadence_days
        kind = "cadence_overdue" if overdue else "cadence_ok"
        line = EvidenceLine(kind, {"cadence": f"{ctx.cadence_days:.0f}", "days": ctx.days_since_last_order},
                            "orders", f"accounts:{ctx.account_id}", now)
        if overdue:
            for a in ("propose_reorder", "schedule_visit", "schedule_call", "renewal_offer", "counter_competitor"):
                add(a, line, 0.15)
            add("propose_reorder", None, 0.3)
        else:
            add("propose_reorder", line, -0.1)
    if ctx.avg_order_cents:
        line = EvidenceLine("order_value", {"n": ctx.orders_12m, "avg": _money(ctx.avg_order_cents)}, "orders",
                            f"accounts:{ctx.account_id}", now)
        big = ctx.avg_order_cents >= 2_000_000          # ≥ ¥20,000 per order: worth a visit
        for a in ("prepare_quote", "renewal_offer", "schedule_visit", "propose_reorder", "counter_competitor"):
            add(a, line, 0.1 if big and a in ("schedule_visit", "renewal_offer", "counter_competitor") else 0.0)
    if ctx.tier in ("A", "a"):
        line = EvidenceLine("tier", {"tier": ctx.tier}, "CRM", f"accounts:{ctx.account_id}", now)
        add("schedule_visit", line, 0.1)
        add("escalate_service", line, 0.05)

    # open opportunities
    for opp in sorted(ctx.open_opportunities, key=lambda o: -o.amount_cents * o.probability)[:2]:
        zh, en = _STAGES.get(opp.stage, (opp.stage, opp.stage))
        line = EvidenceLine("opportunity", {"title": opp.title, "stage_zh": zh, "stage_en": en,
                                            "amount": _money(opp.amount_cents), "probability": opp.probability,
                                            "close": opp.expected_close or "?"},
                            "CRM", f"opportunities:{opp.opportunity_id}", now)
        add("prepare_quote", line, 0.1)
        add("schedule_visit", line, 0.05)
        add("renewal_offer", line, 0.05)
        add("counter_competitor", line, 0.05)

    # competitor promotions in the region, in the categories at stake
    categories = {p.category for p in ctx.products} or {p.category for p in ctx.usual_products}
    relevant = [pr for pr in ctx.promotions if pr.category in categories]
    for pr in sorted(relevant, key=lambda p: -p.discount_pct)[:2]:
        line = EvidenceLine("promotion", {"competitor": pr.competitor, "title": pr.title,
                                          "discount": f"{pr.discount_pct:g}", "ends": pr.ends_on},
                            "CRM", f"competitor_promotions:{pr.promotion_id}", now)
        add("counter_competitor", line, 0.2)
        add("prepare_quote", line, 0.1)
        add("renewal_offer", line, 0.05)

    # urgency
    if ctx.hours_waiting >= 4:
        line = EvidenceLine("waiting", {"hours": f"{ctx.hours_waiting:.0f}"}, "message", "inbound_messages", now)
        boost = 0.2 if ctx.hours_waiting >= 24 else 0.1
        for a in ("escalate_service", "expedite_delivery", "schedule_call", "share_order_status",
                  "review_manually"):
            add(a, line, boost)

    if confidence is not None and (intent in (None, "other")):
        add("review_manually", EvidenceLine("needs_review", {}, "recogniser", "intent", now))

    # consent decides the channel; outbound marketing without consent sinks
    channels: dict[str, str] = {}
    for a in list(scores):
        ch, line, delta = _channel(a, ctx.consent, now)
        channels[a] = ch
        add(a, line, delta)

    ranked = sorted(scores, key=lambda a: (-scores[a], a))
    out = []
    for a in ranked[:max(top_k, 0)]:
        lines = evidence[a] or [EvidenceLine(
            "intent", {"intent": intent or "other",
                       "confidence": f"{(confidence or 0) * 100:.0f}" if confidence is not None else "?"},
            "recogniser", "intent", now)]
        out.append(ActionSuggestion(a, round(max(0.0, min(1.0, scores[a])), 4), tuple(lines[:5]), channels[a]))
    return out


# -- product matching ----------------------------------------------------------------------------------------

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z][a-z0-9]+(?:-[a-z0-9]+)*")
_NEW_WORDS = re.compile(r"新款|新品|最新|新一代|新出|新上市|\b(?:new|newest|latest|launch\w*)\b", re.IGNORECASE)
_STOP = frozenset(["the", "and", "for", "with", "you", "your", "our", "are", "can", "have", "has", "any", "about", "from", "this", "that", "what", "when", "how", "box", "pcs", "per", "unit", "units", "please", "need", "want", "would", "could"])


def _grams(text: str) -> set[str]:
    """CJK bigrams plus lower-cased latin words (crude singular) of a text."""
    text = text.lower()
    out = set()
    for run in _CJK_RUN.findall(text):
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    for w in _WORD.findall(text):
        if w in _STOP:
            continue
        out.add(w[:-1] if w.endswith("s") and len(w) > 3 else w)
    return out


class _Index:
    def __init__(self, catalogue: Sequence[ProductFact]) -> None:
        self.products = list(catalogue)
        self.grams = [_grams(f"{p.name_zh} {p.name_en}") for p in self.products]
        df: dict[str, int] = {}
        for gs in self.grams:
            for g in gs:
                df[g] = df.get(g, 0) + 1
        n = max(len(self.products), 1)
        # grams in a large share of the catalogue (brand names, "disposable") say nothing about which product
        self.idf = {g: math.log(n / c) for g, c in df.items() if c <= max(2, 0.25 * n)}


_INDEX_CACHE: dict[int, tuple[Sequence[ProductFact], _Index]] = {}


def _index(catalogue: Sequence[ProductFact]) -> _Index:
    key = id(catalogue)
    hit = _INDEX_CACHE.get(key)
    if hit is not None and hit[0] is catalogue:
        return hit[1]
    idx = _Index(catalogue)
    _INDEX_CACHE.clear()
    _INDEX_CACHE[key] = (catalogue, idx)
    return idx


def match_products(text: str, catalogue: Sequence[ProductFact] | Iterable[ProductFact],
                   limit: int = 3) -> list[ProductFact]:
    """The catalogue products a message is about: SKUs first, then name overlap weighted by rarity.

    "最近有新款血糖仪吗?" matches the glucose meters, the newest first; "test strips" matches the strips.
    """
    if not isinstance(catalogue, Sequence):
        catalogue = list(catalogue)
    if not text or not catalogue:
        return []
    upper = text.upper()
    by_sku = [p for p in catalogue if p.sku and re.search(rf"(?<![A-Z0-9-]){re.escape(p.sku.upper())}(?![A-Z0-9])",
                                                          upper)]
    if by_sku:
        return by_sku[:limit]
    idx = _index(catalogue)
    grams = _grams(text)
    wants_new = bool(_NEW_WORDS.search(text))
    scored = []
    for p, pg in zip(idx.products, idx.grams, strict=True):
        score = sum(idx.idf.get(g, 0.0) for g in grams & pg)
        if score > 0:
            scored.append((score, p))
    if not scored:
        return []
    best = max(s for s, _ in scored)
    keep = [(s, p) for s, p in scored if s >= 0.6 * best]

    def order(item: tuple[float, ProductFact]) -> tuple:
        s, p = item
        if wants_new:   # "any new glucose meters?": the newest of the matching products first
            return (_neg(p.launched_on or ""), -round(s, 6), p.product_id)
        return (-round(s, 6), p.product_id)

    keep.sort(key=order)
    return [p for _, p in keep[:limit]]


def _neg(s: str) -> str:
    """A sort key that orders ISO dates newest first."""
    return "".join(chr(0x10FFFF - ord(c)) for c in s)
