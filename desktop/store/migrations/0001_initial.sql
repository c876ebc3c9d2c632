-- RepDesk local store, schema 1: the rep's book of business, the AI decision log, and sync bookkeeping.
-- Every synced table carries remote_id (the central record id), remote_write_date (the central
-- last_modified_at we last saw), dirty (1 = a local change not yet acknowledged by the centre) and
-- deleted (a tombstone: removed centrally or locally, kept until sync has settled it).
-- Money is integer cents (fen) to avoid float rounding; timestamps are ISO-8601 UTC text.

CREATE TABLE accounts (
    id                INTEGER PRIMARY KEY,
    remote_id         INTEGER UNIQUE,
    remote_write_date TEXT,
    dirty             INTEGER NOT NULL DEFAULT 0,
    deleted           INTEGER NOT NULL DEFAULT 0,
    code              TEXT NOT NULL UNIQUE,          -- customer number, e.g. C000123
    name_zh           TEXT NOT NULL,
    name_en           TEXT NOT NULL DEFAULT '',
    credit_code       TEXT NOT NULL DEFAULT '',      -- unified social credit code (统一社会信用代码), 18 chars
    region            TEXT NOT NULL DEFAULT '',      -- province-level region, e.g. Shanghai, Jiangsu
    city              TEXT NOT NULL DEFAULT '',
    industry          TEXT NOT NULL DEFAULT '',      -- hospital, pharmacy, clinic, distributor, ...
    tier              TEXT NOT NULL DEFAULT 'C' CHECK (tier IN ('A', 'B', 'C')),
    owner             TEXT NOT NULL DEFAULT '',      -- login of the rep who owns the account
    phone             TEXT NOT NULL DEFAULT '',
    email             TEXT NOT NULL DEFAULT '',
    address           TEXT NOT NULL DEFAULT '',
    next_follow_up    TEXT,                          -- date the rep planned to get back to the account
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX accounts_region ON accounts(region);
CREATE INDEX accounts_owner ON accounts(owner);
CREATE INDEX accounts_name ON accounts(name_zh);

CREATE TABLE contacts (
    id                INTEGER PRIMARY KEY,
    remote_id         INTEGER UNIQUE,
    remote_write_date TEXT,
    dirty             INTEGER NOT NULL DEFAULT 0,
    deleted           INTEGER NOT NULL DEFAULT 0,
    account_id        INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    name_latin        TEXT NOT NULL DEFAULT '',      -- pinyin or English name
    title             TEXT NOT NULL DEFAULT '',
    phone             TEXT NOT NULL DEFAULT '',
    email             TEXT NOT NULL DEFAULT '',
    wechat            TEXT NOT NULL DEFAULT '',
    language          TEXT NOT NULL DEFAULT 'zh' CHECK (language IN ('zh', 'en')),
    -- channel consent: 1 = opted in, 0 = opted out, NULL = never asked
    consent_email     INTEGER,
    consent_phone     INTEGER,
    consent_sms       INTEGER,
    consent_wechat    INTEGER,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX contacts_account ON contacts(account_id);

CREATE TABLE products (
    id                INTEGER PRIMARY KEY,
    remote_id         INTEGER UNIQUE,
    remote_write_date TEXT,
    dirty             INTEGER NOT NULL DEFAULT 0,
    deleted           INTEGER NOT NULL DEFAULT 0,
    sku               TEXT NOT NULL UNIQUE,
    name_zh           TEXT NOT NULL,
    name_en           TEXT NOT NULL,
    category          TEXT NOT NULL,
    unit              TEXT NOT NULL DEFAULT 'unit',
    list_price_cents  INTEGER NOT NULL,
    launched_on       TEXT,
    active            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX products_category ON products(category);

CREATE TABLE warehouses (
    id                INTEGER PRIMARY KEY,
    remote_id         INTEGER UNIQUE,
    remote_write_date TEXT,
    dirty             INTEGER NOT NULL DEFAULT 0,
    deleted           INTEGER NOT NULL DEFAULT 0,
    code              TEXT NOT NULL UNIQUE,
    name_zh           TEXT NOT NULL,
    name_en           TEXT NOT NULL,
    city              TEXT NOT NULL DEFAULT ''
);

CREATE TABLE stock_levels (
    product_id        INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    warehouse_id      INTEGER NOT NULL REFERENCES warehouses(id) ON DELETE CASCADE,
    quantity          REAL NOT NULL DEFAULT 0,
    forecast_quantity REAL NOT NULL DEFAULT 0,
    as_of             TEXT NOT NULL,                 -- when the ERP figure was read
    PRIMARY KEY (product_id, warehouse_id)
) WITHOUT ROWID;

CREATE TABLE sales_orders (
    id                INTEGER PRIMARY KEY,
    remote_id         INTEGER UNIQUE,
    remote_write_date TEXT,
    dirty             INTEGER NOT NULL DEFAULT 0,
    deleted           INTEGER NOT NULL DEFAULT 0,
    number            TEXT NOT NULL UNIQUE,
    account_id        INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    order_date        TEXT NOT NULL,
    state             TEXT NOT NULL DEFAULT 'done',  -- draft, confirmed, processing, done, cancelled
    total_cents       INTEGER NOT NULL DEFAULT 0,
    currency          TEXT NOT NULL DEFAULT 'CNY',
    warehouse_id      INTEGER REFERENCES warehouses(id)
);
CREATE INDEX sales_orders_account ON sales_orders(account_id, order_date);

CREATE TABLE sales_order_lines (
    id                INTEGER PRIMARY KEY,
    remote_id         INTEGER UNIQUE,
    remote_write_date TEXT,
    dirty             INTEGER NOT NULL DEFAULT 0,
    deleted           INTEGER NOT NULL DEFAULT 0,
    order_id          INTEGER NOT NULL REFERENCES sales_orders(id) ON DELETE CASCADE,
    product_id        INTEGER NOT NULL REFERENCES products(id),
    quantity          REAL NOT NULL,
    unit_price_cents  INTEGER NOT NULL
);
CREATE INDEX sales_order_lines_order ON sales_order_lines(order_id);
CREATE INDEX sales_order_lines_product ON sales_order_lines(product_id);

CREATE TABLE opportunities (
    id                INTEGER PRIMARY KEY,
    remote_id         INTEGER UNIQUE,
    remote_write_date TEXT,
    dirty             INTEGER NOT NULL DEFAULT 0,
    deleted           INTEGER NOT NULL DEFAULT 0,
    account_id        INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    title             TEXT NOT NULL,
    stage             TEXT NOT NULL DEFAULT 'lead',  -- lead, qualified, proposal, negotiation, won, lost
    amount_cents      INTEGER NOT NULL DEFAULT 0,
    probability       INTEGER NOT NULL DEFAULT 10 CHECK (probability BETWEEN 0 AND 100),
    expected_close    TEXT,
    product_id        INTEGER REFERENCES products(id),
    owner             TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX opportunities_account ON opportunities(account_id);

CREATE TABLE activities (
    id                INTEGER PRIMARY KEY,
    remote_id         INTEGER UNIQUE,
    remote_write_date TEXT,
    dirty             INTEGER NOT NULL DEFAULT 0,
    deleted           INTEGER NOT NULL DEFAULT 0,
    client_id         TEXT UNIQUE,                   -- client-generated id for exactly-once push
    account_id        INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    contact_id        INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('call', 'visit', 'email', 'note', 'task')),
    subject           TEXT NOT NULL DEFAULT '',
    body              TEXT NOT NULL DEFAULT '',
    occurred_at       TEXT NOT NULL,
    owner             TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX activities_account ON activities(account_id, occurred_at);

CREATE TABLE competitor_promotions (
    id                INTEGER PRIMARY KEY,
    remote_id         INTEGER UNIQUE,
    remote_write_date TEXT,
    dirty             INTEGER NOT NULL DEFAULT 0,
    deleted           INTEGER NOT NULL DEFAULT 0,
    competitor        TEXT NOT NULL,
    region            TEXT NOT NULL,
    category          TEXT NOT NULL,
    title             TEXT NOT NULL,
    discount_pct      REAL NOT NULL DEFAULT 0,
    starts_on         TEXT NOT NULL,
    ends_on           TEXT NOT NULL,
    details           TEXT NOT NULL DEFAULT '',
    source            TEXT NOT NULL DEFAULT ''       -- where the rep or the centre learnt of it
);
CREATE INDEX competitor_promotions_region ON competitor_promotions(region, category);

CREATE TABLE inbound_messages (
    id                INTEGER PRIMARY KEY,
    account_id        INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    contact_id        INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    channel           TEXT NOT NULL CHECK (channel IN ('email', 'wechat', 'chat', 'sms', 'phone', 'paste')),
    sender            TEXT NOT NULL DEFAULT '',
    subject           TEXT NOT NULL DEFAULT '',
    body              TEXT NOT NULL,
    language          TEXT NOT NULL DEFAULT '',       -- detected: zh, en or ''
    received_at       TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'read', 'done', 'archived')),
    source_ref        TEXT NOT NULL DEFAULT ''        -- e.g. Message-ID of an imported .eml, for de-duplication
);
CREATE INDEX inbound_messages_received ON inbound_messages(received_at DESC);

-- The decision log: every suggestion with what it was based on, so it can be explained and audited later.
CREATE TABLE suggestions (
    id                INTEGER PRIMARY KEY,
    client_id         TEXT NOT NULL UNIQUE,
    message_id        INTEGER REFERENCES inbound_messages(id) ON DELETE SET NULL,
    account_id        INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    intent            TEXT NOT NULL,
    confidence        REAL NOT NULL,
    alternatives_json TEXT NOT NULL DEFAULT '[]',
    action            TEXT NOT NULL,
    rank              INTEGER NOT NULL DEFAULT 1,
    score             REAL NOT NULL DEFAULT 0,
    evidence_json     TEXT NOT NULL DEFAULT '[]',
    inputs_json       TEXT NOT NULL DEFAULT '{}',
    draft             TEXT NOT NULL DEFAULT '',
    model_id          TEXT NOT NULL DEFAULT '',
    model_version     TEXT NOT NULL DEFAULT '',
    recogniser_version TEXT NOT NULL DEFAULT '',
    pack_version      TEXT NOT NULL DEFAULT '',
    latency_ms        REAL NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL
);
CREATE INDEX suggestions_message ON suggestions(message_id);

CREATE TABLE feedback (
    id                INTEGER PRIMARY KEY,
    client_id         TEXT NOT NULL UNIQUE,
    suggestion_id     INTEGER NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
    verdict           TEXT NOT NULL CHECK (verdict IN ('accept', 'reject', 'edit')),
    reason            TEXT NOT NULL DEFAULT '',       -- wrong_intent, wrong_action, bad_timing, other
    reason_text       TEXT NOT NULL DEFAULT '',
    corrected_intent  TEXT NOT NULL DEFAULT '',
    edited_text       TEXT NOT NULL DEFAULT '',
    rep               TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    dirty             INTEGER NOT NULL DEFAULT 1,
    remote_id         INTEGER UNIQUE
);
CREATE INDEX feedback_suggestion ON feedback(suggestion_id);

-- Local writes that must reach the centre, inserted in the same transaction as the write itself.
CREATE TABLE outbox (
    id                INTEGER PRIMARY KEY,          -- oldest first = push order
    client_id         TEXT NOT NULL UNIQUE,         -- travels with the create; looked up before any retry
    entity            TEXT NOT NULL,
    local_id          INTEGER NOT NULL,
    op                TEXT NOT NULL CHECK (op IN ('create', 'write', 'delete')),
    payload_json      TEXT NOT NULL,
    base_json         TEXT NOT NULL DEFAULT '{}',   -- field values before the local edit (three-way merge base)
    created_at        TEXT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT NOT NULL DEFAULT '',
    state             TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'done', 'failed'))
);
CREATE INDEX outbox_state ON outbox(state, id);

CREATE TABLE sync_cursors (
    model             TEXT PRIMARY KEY,
    cursor            TEXT NOT NULL,                -- the central last_modified_at watermark
    last_id           INTEGER NOT NULL DEFAULT 0,   -- tie-breaker when many records share one timestamp
    updated_at        TEXT NOT NULL
);

CREATE TABLE sync_conflicts (
    id                INTEGER PRIMARY KEY,
    entity            TEXT NOT NULL,
    local_id          INTEGER NOT NULL,
    field             TEXT NOT NULL,
    base_value        TEXT,
    local_value       TEXT,
    central_value     TEXT,
    rule              TEXT NOT NULL CHECK (rule IN ('central_wins', 'local_wins', 'ask')),
    state             TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
    resolution        TEXT,
    created_at        TEXT NOT NULL,
    resolved_at       TEXT
);

CREATE TABLE meta (
    key               TEXT PRIMARY KEY,
    value             TEXT NOT NULL
);
