-- The learner's aids: the coach's feedback on each learner line, cached
-- translations, and whether a room shows its feedback behind a button. Keep
-- it column for column in step with
-- ../postgres/20261203000500_coach.tx.up.sql.

-- rooms.feedback_hidden: corrections are shown behind a button (Telegram's
-- "/feedback hidden") rather than at once.
ALTER TABLE rooms ADD COLUMN feedback_hidden BOOLEAN NOT NULL DEFAULT FALSE;

--bun:split

-- message_feedback: the coach's answer on one user message (engine.Feedback),
-- written pending in the transaction that stores the message, then settled
-- ready or unavailable. items is a JSON array of {kind, original, better,
-- explanation}, checked by the engine before it is written. language is the
-- learner's language the explanations are in.
CREATE TABLE message_feedback (
    message_id INTEGER NOT NULL PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'ready', 'unavailable')),
    corrected  TEXT NOT NULL,
    items      TEXT NOT NULL,
    note       TEXT NOT NULL,
    language   TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

--bun:split

-- Only feedback whose coach is at work (or was cut by a crash) is pending: a
-- small index that the recovery sweep scans.
CREATE INDEX message_feedback_pending_created_at_idx ON message_feedback (created_at) WHERE status = 'pending';

--bun:split

-- translations: a message put into a learner's language, asked for once and
-- kept for the next asker.
CREATE TABLE translations (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    language   TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (message_id, language)
);
