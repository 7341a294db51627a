-- What the chat-platform surfaces need to be correct. Keep it column for
-- column in step with ../sqlite/20261125000002_bindings.tx.up.sql.

-- bindings: which of a user's rooms a place on a platform (a Telegram chat, a
-- Discord thread) is bound to. Gone with the room or the user.
CREATE TABLE bindings (
    provider   TEXT NOT NULL CHECK (provider IN ('telegram', 'discord')),
    scope      TEXT NOT NULL,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    room_id    BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider, scope, user_id)
);

--bun:split

CREATE INDEX bindings_room_id_idx ON bindings (room_id);

--bun:split

CREATE INDEX bindings_user_id_idx ON bindings (user_id);

--bun:split

-- processed_events: platform events (Telegram update ids, Discord interaction
-- and message ids) already handled. The primary key makes each one's effect
-- happen once, whatever the platform redelivers.
CREATE TABLE processed_events (
    provider   TEXT NOT NULL CHECK (provider IN ('telegram', 'discord')),
    event_id   TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider, event_id)
);

--bun:split

CREATE INDEX processed_events_created_at_idx ON processed_events (created_at);
