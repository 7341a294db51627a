-- Children first, so that no foreign key is left pointing at a dropped table.
DROP TABLE usage_daily;

--bun:split

DROP TABLE llm_calls;

--bun:split

DROP TABLE messages;

--bun:split

DROP TABLE rooms;

--bun:split

DROP TABLE identities;

--bun:split

DROP TABLE users;
