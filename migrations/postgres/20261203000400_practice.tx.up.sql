-- The practice layer's foundation. Keep it column for column in step with
-- ../sqlite/20261203000400_practice.tx.up.sql.
--
-- rooms.level: the CEFR level the bot speaks at (engine.Level), B1 unless
-- chosen. rooms.feedback: whether the learner's lines get corrections, on
-- unless switched off. llm_calls.kind: what a model call was for
-- (engine.CallKind: reply, feedback, hint, translate, report); the rows
-- written before it were all chat replies. Kinds are checked by the engine,
-- not here, so that a new kind needs no migration.
ALTER TABLE rooms ADD COLUMN level TEXT NOT NULL DEFAULT 'B1'
    CHECK (level IN ('A1', 'A2', 'B1', 'B2', 'C1', 'C2'));

--bun:split

ALTER TABLE rooms ADD COLUMN feedback BOOLEAN NOT NULL DEFAULT TRUE;

--bun:split

ALTER TABLE llm_calls ADD COLUMN kind TEXT NOT NULL DEFAULT 'reply';
