"""Typed domain objects: plain data, no SQL, no Qt. Repositories build them; services and the UI consume them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Account:
    id: int
    code: str
    name_zh: str
    name_en: str
    credit_code: str
    region: str
    city: str
    industry: str
    tier: str
    owner: str
    phone: str
    email: str
    address: str
    next_follow_up: str | None
    remote_id: int | None = None
    dirty: bool = False

    @property
    def display_name(self) -> str:
        return self.name_zh or self.name_en


@dataclass(frozen=True)
class AccountRow:
    """The columns the account list shows; cheap to fetch by the page."""

    id: int
    code: str
    name_zh: str
    name_en: str
    region: str
    city: str
    industry: str
    tier: str
    owner: str
    phone: str
    next_follow_up: str | None
    dirty: bool


@dataclass(frozen=True)
class Contact:
    id: int
    account_id: int
    name: str
    name_latin: str
    title: str
    phone: str
    email: str
    wechat: str
    language: str
    consent: dict[str, bool | None] = field(default_factory=dict)   # channel -> opted in / out / never asked
    dirty: bool = False


@dataclass(frozen=True)
class Product:
    id: int
    sku: str
    name_zh: str
    name_en: str
    category: str
    unit: str
    list_price_cents: int
    launched_on: str | None


@dataclass(frozen=True)
class StockLevel:
    product_id: int
    warehouse_code: str
    warehouse_name: str
    quantity: float
    forecast_quantity: float
    as_of: str


@dataclass(frozen=True)
class OrderSummary:
    id: int
    number: str
    order_date: str
    state: str
    total_cents: int
    lines: int


@dataclass(frozen=True)
class Opportunity:
    id: int
    account_id: int
    title: str
    stage: str
    amount_cents: int
    probability: int
    expected_close: str | None
    dirty: bool = False


@dataclass(frozen=True)
class Activity:
    id: int
    account_id: int
    kind: str
    subject: str
    body: str
    occurred_at: str
    dirty: bool = False


@dataclass(frozen=True)
class Promotion:
    id: int
    competitor: str
    region: str
    category: str
    title: str
    discount_pct: float
    starts_on: str
    ends_on: str


@dataclass(frozen=True)
class InboundMessage:
    id: int
    account_id: int | None
    account_name: str
    contact_id: int | None
    contact_name: str
    channel: str
    sender: str
    subject: str
    body: str
    language: str
    received_at: str
    status: str


@dataclass(frozen=True)
class SearchHit:
    entity: str          # "account" or "contact"
    entity_id: int
    account_id: int
    name: str
    alt_name: str
    code: str
    phone: str
    email: str


@dataclass(frozen=True)
class Account360:
    """Everything the account panel shows, read in one go."""

    account: Account
    contacts: list[Contact]
    opportunities: list[Opportunity]
    recent_orders: list[OrderSummary]
    order_count: int
    revenue_cents_12m: int
    last_order_date: str | None
    activities: list[Activity]
    promotions: list[Promotion]
    monthly_cents: list[tuple[str, int]] = field(default_factory=list)      # (YYYY-MM, revenue), last 12 months
    usual_stock: list[tuple[str, str, float, str]] = field(default_factory=list)  # (name, sku, on hand, as of)
    messages: list[tuple[int, str, str, str]] = field(default_factory=list)  # (id, received, text, last intent)
