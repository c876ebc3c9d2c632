-- Schema 2: substring search over accounts and contacts (FTS5 trigram: Chinese names, phone fragments and
-- Latin text all match by substring). Kept in step with the source tables by triggers.
-- Trigrams cannot match one- or two-character terms (a two-character Chinese name like 仁和 is common), so a second
-- FTS5 table holds the names spelled out one character per token (unicode61): "仁和" becomes the phrase "仁 和".
-- `digits` holds the phone numbers with everything but digits removed, so "138 1234" finds "+86 138-1234-5678".

CREATE VIRTUAL TABLE search_index USING fts5(
    entity UNINDEXED,          -- 'account' or 'contact'
    entity_id UNINDEXED,
    account_id UNINDEXED,
    name,                      -- name_zh / contact name
    alt_name,                  -- name_en / pinyin
    code,                      -- account code + credit code
    phone,
    digits,
    email,
    tokenize = 'trigram'
);

CREATE VIRTUAL TABLE search_short USING fts5(
    name,                      -- repdesk_chars(name): every character a token
    alt_name,
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TRIGGER accounts_search_ai AFTER INSERT ON accounts WHEN NEW.deleted = 0 BEGIN
    INSERT INTO search_index(rowid, entity, entity_id, account_id, name, alt_name, code, phone, digits, email)
    VALUES (NEW.id * 2, 'account', NEW.id, NEW.id, NEW.name_zh, NEW.name_en,
            NEW.code || ' ' || NEW.credit_code, NEW.phone, repdesk_digits(NEW.phone), NEW.email);
END;
CREATE TRIGGER accounts_short_ai AFTER INSERT ON accounts WHEN NEW.deleted = 0 BEGIN
    INSERT INTO search_short(rowid, name, alt_name)
    VALUES (NEW.id * 2, repdesk_chars(NEW.name_zh), repdesk_chars(NEW.name_en));
END;
CREATE TRIGGER accounts_search_ad AFTER DELETE ON accounts BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 2;
    DELETE FROM search_short WHERE rowid = OLD.id * 2;
END;
CREATE TRIGGER accounts_search_au AFTER UPDATE OF name_zh, name_en, code, credit_code, phone, email, deleted
    ON accounts BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 2;
    INSERT INTO search_index(rowid, entity, entity_id, account_id, name, alt_name, code, phone, digits, email)
    SELECT NEW.id * 2, 'account', NEW.id, NEW.id, NEW.name_zh, NEW.name_en,
           NEW.code || ' ' || NEW.credit_code, NEW.phone, repdesk_digits(NEW.phone), NEW.email
    WHERE NEW.deleted = 0;
    DELETE FROM search_short WHERE rowid = OLD.id * 2;
    INSERT INTO search_short(rowid, name, alt_name)
    SELECT NEW.id * 2, repdesk_chars(NEW.name_zh), repdesk_chars(NEW.name_en) WHERE NEW.deleted = 0;
END;

CREATE TRIGGER contacts_search_ai AFTER INSERT ON contacts WHEN NEW.deleted = 0 BEGIN
    INSERT INTO search_index(rowid, entity, entity_id, account_id, name, alt_name, code, phone, digits, email)
    VALUES (NEW.id * 2 + 1, 'contact', NEW.id, NEW.account_id, NEW.name, NEW.name_latin, NEW.wechat,
            NEW.phone, repdesk_digits(NEW.phone), NEW.email);
END;
CREATE TRIGGER contacts_short_ai AFTER INSERT ON contacts WHEN NEW.deleted = 0 BEGIN
    INSERT INTO search_short(rowid, name, alt_name)
    VALUES (NEW.id * 2 + 1, repdesk_chars(NEW.name), repdesk_chars(NEW.name_latin));
END;
CREATE TRIGGER contacts_search_ad AFTER DELETE ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 2 + 1;
    DELETE FROM search_short WHERE rowid = OLD.id * 2 + 1;
END;
CREATE TRIGGER contacts_search_au AFTER UPDATE OF name, name_latin, wechat, phone, email, deleted, account_id
    ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 2 + 1;
    INSERT INTO search_index(rowid, entity, entity_id, account_id, name, alt_name, code, phone, digits, email)
    SELECT NEW.id * 2 + 1, 'contact', NEW.id, NEW.account_id, NEW.name, NEW.name_latin, NEW.wechat,
           NEW.phone, repdesk_digits(NEW.phone), NEW.email
    WHERE NEW.deleted = 0;
    DELETE FROM search_short WHERE rowid = OLD.id * 2 + 1;
    INSERT INTO search_short(rowid, name, alt_name)
    SELECT NEW.id * 2 + 1, repdesk_chars(NEW.name), repdesk_chars(NEW.name_latin) WHERE NEW.deleted = 0;
END;

-- Index what an older workspace already holds.
INSERT INTO search_index(rowid, entity, entity_id, account_id, name, alt_name, code, phone, digits, email)
SELECT id * 2, 'account', id, id, name_zh, name_en, code || ' ' || credit_code, phone, repdesk_digits(phone), email
FROM accounts WHERE deleted = 0;
INSERT INTO search_index(rowid, entity, entity_id, account_id, name, alt_name, code, phone, digits, email)
SELECT id * 2 + 1, 'contact', id, account_id, name, name_latin, wechat, phone, repdesk_digits(phone), email
FROM contacts WHERE deleted = 0;
INSERT INTO search_short(rowid, name, alt_name)
SELECT id * 2, repdesk_chars(name_zh), repdesk_chars(name_en) FROM accounts WHERE deleted = 0;
INSERT INTO search_short(rowid, name, alt_name)
SELECT id * 2 + 1, repdesk_chars(name), repdesk_chars(name_latin) FROM contacts WHERE deleted = 0;
