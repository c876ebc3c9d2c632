-- Schema 4: sync with the central system.
-- `deleted` now has three values on synced tables: 0 live, 1 inactive centrally (archived), 2 gone from the
-- rep's book centrally (deleted, or moved to another rep). Only 0 is shown; 1 and 2 keep the row so a record
-- that comes back is matched again by its remote id.

-- what a feedback record looks like when it is pushed: the verdict plus the suggestion it judges
CREATE VIEW feedback_push AS
SELECT f.id, f.client_id, f.verdict, f.reason, f.reason_text, f.corrected_intent, f.edited_text, f.created_at,
       s.client_id AS suggestion_client_id, s.intent, s.action, s.message_text, s.model_id, s.pack_version
FROM feedback f JOIN suggestions s ON s.id = f.suggestion_id;

CREATE INDEX outbox_entity ON outbox(entity, local_id, state);
CREATE INDEX sync_conflicts_state ON sync_conflicts(state, entity, local_id);
