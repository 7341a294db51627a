-- Turn starts: when each user's recent chat turns began, for the per-user
-- turn rate (limits.turns_per_minute) shared by every process on this
-- database (sqlstore.TurnLimiter). A turn is admitted, and its row inserted,
-- in a BEGIN IMMEDIATE transaction; rows older than the window are deleted
-- then. Keep it column for column in step with
-- ../postgres/20261203000600_turn_starts.tx.up.sql.
CREATE TABLE turn_starts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    started_at TIMESTAMP NOT NULL
);

--bun:split

CREATE INDEX turn_starts_user_id_started_at_idx ON turn_starts (user_id, started_at);
