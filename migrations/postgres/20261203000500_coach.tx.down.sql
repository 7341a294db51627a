DROP TABLE translations;

--bun:split

DROP TABLE message_feedback;

--bun:split

ALTER TABLE rooms DROP COLUMN feedback_hidden;
