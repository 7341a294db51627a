ALTER TABLE llm_calls DROP COLUMN kind;

--bun:split

ALTER TABLE rooms DROP COLUMN feedback;

--bun:split

ALTER TABLE rooms DROP COLUMN level;
