DROP TABLE discord_shard_owners;

--bun:split

DROP TABLE discord_shards;
