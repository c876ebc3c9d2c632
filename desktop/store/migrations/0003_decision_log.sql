-- Schema 3: the decision log groups the actions proposed for one message into one request, and keeps the text
-- the recogniser saw, so feedback can teach it (a corrected intent becomes an example) and be exported later.

ALTER TABLE suggestions ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
ALTER TABLE suggestions ADD COLUMN message_text TEXT NOT NULL DEFAULT '';
ALTER TABLE suggestions ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE suggestions ADD COLUMN rep TEXT NOT NULL DEFAULT '';
CREATE INDEX suggestions_request ON suggestions(request_id, rank);
CREATE INDEX suggestions_created ON suggestions(created_at);

-- corrections taught to the local recogniser (from feedback, or added by the rep); the pack's own examples
-- stay in the pack file
CREATE TABLE intent_examples (
    id                INTEGER PRIMARY KEY,
    text              TEXT NOT NULL,
    label             TEXT NOT NULL,
    pack_id           TEXT NOT NULL,
    source            TEXT NOT NULL DEFAULT 'feedback',   -- feedback, manual
    feedback_id       INTEGER REFERENCES feedback(id) ON DELETE SET NULL,
    created_at        TEXT NOT NULL,
    UNIQUE (text, label, pack_id)
);

-- the account list asks for every live account's id in name order on each refresh: a partial covering index
-- answers it without reading (and decrypting) the table itself
CREATE INDEX accounts_list ON accounts(name_zh, id) WHERE deleted = 0;
