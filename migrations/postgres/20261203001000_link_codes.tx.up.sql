-- One account everywhere: link codes and when an identity was linked. Keep
-- it column for column in step with
-- ../sqlite/20261203001000_link_codes.tx.up.sql.
--
-- identities.linked_at: when the identity was linked to a web account with a
-- code; NULL for an identity that only ever had its own bot-only user.
ALTER TABLE identities ADD COLUMN linked_at TIMESTAMPTZ;

--bun:split

-- link_codes: one-time codes that link a platform identity to a web
-- account (engine.LinkCode), stored as the SHA-256 (hex) of the code. A code
-- is made either by a web account (user_id set: a bot identity redeems it)
-- or by a platform identity (provider and subject set: a signed-in web
-- account redeems it). used_at is set once, by the one redemption that wins.
CREATE TABLE link_codes (
    code_hash  TEXT NOT NULL PRIMARY KEY,
    user_id    BIGINT REFERENCES users (id) ON DELETE CASCADE,
    provider   TEXT CHECK (provider IN ('telegram', 'discord')),
    subject    TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    CHECK ((user_id IS NULL) <> (provider IS NULL)),
    CHECK ((provider IS NULL) = (subject IS NULL))
);

--bun:split

CREATE INDEX link_codes_user_id_idx ON link_codes (user_id);

--bun:split

CREATE INDEX link_codes_expires_at_idx ON link_codes (expires_at);
