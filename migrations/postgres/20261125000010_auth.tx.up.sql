-- Web sign-in state. Keep it column for column in step with
-- ../sqlite/20261125000010_auth.tx.up.sql.

-- auth_sessions: one per sign-in (a refresh-token family). Access tokens name
-- their session (the sid claim) and die with it: logout, refresh-token reuse
-- and account deletion revoke or remove it.
CREATE TABLE auth_sessions (
    id         TEXT NOT NULL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

--bun:split

CREATE INDEX auth_sessions_user_id_idx ON auth_sessions (user_id);

--bun:split

CREATE INDEX auth_sessions_expires_at_idx ON auth_sessions (expires_at);

--bun:split

-- refresh_tokens: the opaque refresh tokens of a session, stored as their
-- SHA-256 (hex). Each is used once (used_at); presenting a used one again
-- revokes its session.
CREATE TABLE refresh_tokens (
    token_hash TEXT NOT NULL PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

--bun:split

CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);
