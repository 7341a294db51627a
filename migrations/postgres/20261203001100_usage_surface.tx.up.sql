-- Every model call keeps the surface it was played from. Keep it column for
-- column in step with ../sqlite/20261203001100_usage_surface.tx.up.sql.
--
-- llm_calls.surface: the surface (engine.Source: web, telegram, discord) the
-- call was made from: a reply's and its coach's are the turn's source, a
-- hint's, a translation's and a report's the surface that asked for it.
ALTER TABLE llm_calls ADD COLUMN surface TEXT NOT NULL DEFAULT 'web'
    CHECK (surface IN ('web', 'telegram', 'discord'));

--bun:split

-- The rows written before: until accounts could be linked, a room was
-- played on one surface only, so a call takes the source of its room's
-- newest message (one step down the index on (room_id, id)). A call whose
-- room is gone (or empty) takes the provider of its user's identity when the
-- user is bot-only (no email), else the web.
UPDATE llm_calls SET surface = COALESCE(
    (SELECT m.source FROM messages AS m
        WHERE m.room_id = llm_calls.room_id
        ORDER BY m.room_id DESC, m.id DESC LIMIT 1),
    (SELECT i.provider FROM identities AS i JOIN users AS u ON u.id = i.user_id
        WHERE i.user_id = llm_calls.user_id AND u.email IS NULL
        ORDER BY i.created_at LIMIT 1),
    'web');
