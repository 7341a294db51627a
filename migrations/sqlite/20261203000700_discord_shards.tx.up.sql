-- Who runs which shard of the Discord gateway, so that replicas on one
-- database each run their own shards and none runs one twice. Keep it column
-- for column in step with ../postgres/20261203000700_discord_shards.tx.up.sql.

-- discord_shards: one row per leased shard; owner is the replica running it
-- (random per start), until expires_at unless it renews the lease. A shard
-- with no row, or an expired one, is free to take.
CREATE TABLE discord_shards (
    shard_id   INTEGER NOT NULL PRIMARY KEY,
    owner      TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

--bun:split

-- discord_shard_owners: the replicas running the gateway, renewed with their
-- leases, so that each can count them and take a fair share of the shards.
CREATE TABLE discord_shard_owners (
    owner      TEXT NOT NULL PRIMARY KEY,
    expires_at TIMESTAMP NOT NULL
);
