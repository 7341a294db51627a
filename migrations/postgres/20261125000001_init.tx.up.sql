-- chatplay's first schema, PostgreSQL flavour. Keep it column for column in
-- step with ../sqlite/20261125000001_init.tx.up.sql: the sqlstore test
-- TestSchemaMatchesAcrossDialects compares both against one expected list.
--
-- Ids are BIGINT identities (sequences never hand out an id twice); the
-- application never supplies one, hence GENERATED ALWAYS. Timestamps are
-- timestamptz, written by the application in UTC.

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT UNIQUE,
    password_hash TEXT,
    display_name  TEXT NOT NULL,
    locale        TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);

--bun:split

CREATE TABLE identities (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider   TEXT NOT NULL CHECK (provider IN ('telegram', 'discord')),
    subject    TEXT NOT NULL,
    username   TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider, subject)
);

--bun:split

CREATE INDEX identities_user_id_idx ON identities (user_id);

--bun:split

CREATE TABLE rooms (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    language   TEXT NOT NULL,
    situation  TEXT NOT NULL,
    user_role  TEXT NOT NULL,
    bot_role   TEXT NOT NULL,
    model      TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

--bun:split

CREATE INDEX rooms_owner_id_id_idx ON rooms (owner_id, id);

--bun:split

CREATE TABLE messages (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id     BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'complete', 'failed')),
    error_code  TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('web', 'telegram', 'discord')),
    token_count INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
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
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id           BIGINT REFERENCES rooms (id) ON DELETE SET NULL,
    user_id           BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    model             TEXT NOT NULL,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    attempts          INTEGER NOT NULL,
    latency_ms        INTEGER NOT NULL,
    ttft_ms           INTEGER NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('complete', 'failed')),
    error             TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL
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
    user_id           BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day               TEXT NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    model             TEXT NOT NULL,
    calls             INTEGER NOT NULL,
    prompt_tokens     BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    PRIMARY KEY (user_id, day, model)
);
