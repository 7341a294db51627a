-- End-of-scene reports. Keep it column for column in step with
-- ../sqlite/20261203000900_reports.tx.up.sql.
--
-- reports: one per EndScene, owned by the learner (deleted with the user).
-- A report survives its room: room_id becomes NULL when the room is
-- deleted, and scene keeps the room's title as it was. goals, mistakes and
-- next_steps are JSON arrays, read only as a whole with their report.
-- report_vocabulary: the words of a report, one row each, listed across a
-- learner's reports (the vocabulary list) newest first by id; a report's
-- words are inserted last one first, so that id order, newest first, is
-- the report's own order. owner_id is the report's, for that listing.
CREATE TABLE reports (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    room_id     BIGINT REFERENCES rooms (id) ON DELETE SET NULL,
    scenario_id TEXT,
    scene       TEXT NOT NULL,
    language    TEXT NOT NULL,
    summary     TEXT NOT NULL,
    goals       TEXT NOT NULL,
    mistakes    TEXT NOT NULL,
    next_steps  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

--bun:split

-- A learner's reports, newest first, a page at a time.
CREATE INDEX reports_owner_id_id_idx ON reports (owner_id, id);

--bun:split

-- Serves ON DELETE SET NULL when a room is deleted.
CREATE INDEX reports_room_id_idx ON reports (room_id);

--bun:split

CREATE TABLE report_vocabulary (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    owner_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    term      TEXT NOT NULL,
    meaning   TEXT NOT NULL,
    example   TEXT NOT NULL
);

--bun:split

-- A learner's vocabulary list, newest first, a page at a time.
CREATE INDEX report_vocabulary_owner_id_id_idx ON report_vocabulary (owner_id, id);

--bun:split

-- A report's words; serves ON DELETE CASCADE.
CREATE INDEX report_vocabulary_report_id_idx ON report_vocabulary (report_id);
