ALTER TABLE messages DROP COLUMN owner;

--bun:split

DROP TABLE engine_leases;
