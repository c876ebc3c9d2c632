-- Schema 2: substring search over accounts and contacts (FTS5 trigram: Chinese names, phone fragments and
-- Latin text all match by substring). Kept in step with the source tables by triggers.
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

CREATE TRIGGER accounts_search_ai AFTER INSERT ON accounts WHEN NEW.deleted = 0 BEGIN
    INSERT INTO search_index(rowid, entity, entity_id, account_id, name, alt_name, code, phone, digits, email)
    VALUES (NEW.id * 2, 'account', NEW.id, NEW.id, NEW.name_zh, NEW.name_en,
            NEW.code || ' ' || NEW.credit_code, NEW.phone, repdesk_digits(NEW.phone), NEW.email);
END;
CREATE TRIGGER accounts_search_ad AFTER DELETE ON accounts BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 2;
END;
CREATE TRIGGER accounts_search_au AFTER UPDATE OF name_zh, name_en, code, credit_code, phone, email, deleted
    ON accounts BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 2;
    INSERT INTO search_index(rowid, entity, entity_id, account_id, name, alt_name, code, phone, digits, email)
    SELECT NEW.id * 2, 'account', NEW.id, NEW.id, NEW.name_zh, NEW.name_en,
           NEW.code || ' ' || NEW.credit_code, NEW.phone, repdesk_digits(NEW.phone), NEW.email
    WHERE NEW.deleted = 0;
END;

CREATE TRIGGER contacts_search_ai AFTER INSERT ON contacts WHEN NEW.deleted = 0 BEGIN
    INSERT INTO search_index(rowid, entity, entity_id, account_id, name, alt_name, code, phone, digits, email)
    VALUES (NEW.id * 2 + 1, 'contact', NEW.id, NEW.account_id, NEW.name, NEW.name_latin, NEW.wechat,
            NEW.phone, repdesk_digits(NEW.phone), NEW.email);
END;
CREATE TRIGGER contacts_search_ad AFTER DELETE ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 2 + 1;
END;
CREATE TRIGGER contacts_search_au AFTER UPDATE OF name, name_latin, wechat, phone, email, deleted, account_id
    ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 2 + 1;
    INSERT INTO search_index(rowid, entity, entity_id, account_id, name, alt_name, code, phone, digits, email)
    SELECT NEW.id * 2 + 1, 'contact', NEW.id, NEW.account_id, NEW.name, NEW.name_latin, NEW.wechat,
           NEW.phone, repdesk_digits(NEW.phone), NEW.email
    WHERE NEW.deleted = 0;
END;

-- Index what an older workspace already holds.
INSERT INTO search_index(rowid, entity, entity_id, account_id, name, alt_name, code, phone, digits, email)
SELECT id * 2, 'account', id, id, name_zh, name_en, code || ' ' || credit_code, phone, repdesk_digits(phone), email
FROM accounts WHERE deleted = 0;
INSERT INTO search_index(rowid, entity, entity_id, account_id, name, alt_name, code, phone, digits, email)
SELECT id * 2 + 1, 'contact', id, account_id, name, name_latin, wechat, phone, repdesk_digits(phone), email
FROM contacts WHERE deleted = 0;
