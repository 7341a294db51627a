-- chatplay's first schema, SQLite flavour. Keep it column for column in step
-- with ../postgres/20261125000001_init.tx.up.sql: the sqlstore test
-- TestSchemaMatchesAcrossDialects compares both against one expected list.
--
-- Ids are INTEGER PRIMARY KEY AUTOINCREMENT so that a deleted row's id is never
-- handed out again (plain INTEGER PRIMARY KEY may reuse the largest id).
-- Timestamps are declared TIMESTAMP and hold the text bun writes,
-- '2006-01-02 15:04:05.999999+00:00', always in UTC: the driver reads that
-- back as a time.Time, and because every value has the same shape and zone,
-- comparing the text orders the instants correctly.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT UNIQUE,
    password_hash TEXT,
    display_name  TEXT NOT NULL,
    locale        TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);

--bun:split

CREATE TABLE identities (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider   TEXT NOT NULL CHECK (provider IN ('telegram', 'discord')),
    subject    TEXT NOT NULL,
    username   TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (provider, subject)
);

--bun:split

CREATE INDEX identities_user_id_idx ON identities (user_id);

--bun:split

CREATE TABLE rooms (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    language   TEXT NOT NULL,
    situation  TEXT NOT NULL,
    user_role  TEXT NOT NULL,
    bot_role   TEXT NOT NULL,
    model      TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

--bun:split

CREATE INDEX rooms_owner_id_id_idx ON rooms (owner_id, id);

--bun:split

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id     INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'complete', 'failed')),
    error_code  TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('web', 'telegram', 'discord')),
    token_count INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

--bun:split

CREATE INDEX messages_room_id_id_idx ON messages (room_id, id);

--bun:split

-- Only replies still streaming (or orphaned by a crash) are pending: a small
-- index that FailPendingMessages scans at startup.
CREATE INDEX messages_pending_created_at_idx ON messages (created_at) WHERE status = 'pending';

--bun:split

-- The usage ledger. room_id is set to NULL when the room is deleted, so the
-- tokens a user spent still count.
CREATE TABLE llm_calls (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id           INTEGER REFERENCES rooms (id) ON DELETE SET NULL,
    user_id           INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    model             TEXT NOT NULL,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    attempts          INTEGER NOT NULL,
    latency_ms        INTEGER NOT NULL,
    ttft_ms           INTEGER NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('complete', 'failed')),
    error             TEXT NOT NULL,
    created_at        TIMESTAMP NOT NULL
);

--bun:split

CREATE INDEX llm_calls_user_id_created_at_idx ON llm_calls (user_id, created_at);

--bun:split

-- Serves ON DELETE SET NULL when a room is deleted.
CREATE INDEX llm_calls_room_id_idx ON llm_calls (room_id);

--bun:split

-- Running totals of llm_calls per user, UTC day and model, kept in the same
-- transaction as each ledger row, so a daily token check reads one or a few rows.
CREATE TABLE usage_daily (
    user_id           INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day               TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    model             TEXT NOT NULL,
    calls             INTEGER NOT NULL,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    PRIMARY KEY (user_id, day, model)
);
