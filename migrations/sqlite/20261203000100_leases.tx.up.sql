-- Who is streaming a reply, so that a process that dies mid-reply has its
-- replies settled within seconds. Keep it column for column in step with
-- ../postgres/20261203000100_leases.tx.up.sql.

-- engine_leases: one row per running engine process (its owner id, random per
-- start), renewed every few seconds. A pending reply whose owner has no lease
-- that is still running was orphaned by a crash.
CREATE TABLE engine_leases (
    owner      TEXT NOT NULL PRIMARY KEY,
    expires_at TIMESTAMP NOT NULL
);

--bun:split

-- The owner of a reply while it is pending; '' for replies from before.
ALTER TABLE messages ADD COLUMN owner TEXT NOT NULL DEFAULT '';
