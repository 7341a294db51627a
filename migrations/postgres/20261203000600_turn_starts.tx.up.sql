-- Turn starts: when each user's recent chat turns began, for the per-user
-- turn rate (limits.turns_per_minute) shared by every process on this
-- database (sqlstore.TurnLimiter). A turn is admitted, and its row inserted,
-- under the user's row lock; rows older than the window are deleted then.
-- Keep it column for column in step with
-- ../sqlite/20261203000600_turn_starts.tx.up.sql.
CREATE TABLE turn_starts (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    started_at TIMESTAMPTZ NOT NULL
);

--bun:split

CREATE INDEX turn_starts_user_id_started_at_idx ON turn_starts (user_id, started_at);
