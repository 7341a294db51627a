-- Scenes with goals. Keep it column for column in step with
-- ../sqlite/20261203000800_scenarios.tx.up.sql.
--
-- rooms.scenario_id: the built-in scenario (engine/scenarios) a room was
-- made from; NULL for a custom room. Scenario ids are checked by the engine,
-- not here: the library lives in the code, not in a table.
-- room_goals: a room's goals in order (position from 0); achieved_at and
-- message_id are set together when a learner line achieves the goal, and
-- cleared when the room is reset. A message deleted by a regeneration leaves
-- its goal achieved, with no message.
ALTER TABLE rooms ADD COLUMN scenario_id TEXT;

--bun:split

CREATE TABLE room_goals (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id     BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    achieved_at TIMESTAMPTZ,
    message_id  BIGINT REFERENCES messages (id) ON DELETE SET NULL
);

--bun:split

-- One position per goal of a room; reads a page of rooms' goals in order.
CREATE UNIQUE INDEX room_goals_room_id_position_idx ON room_goals (room_id, position);

--bun:split

-- Serves ON DELETE SET NULL when messages are deleted (a reset, a regeneration).
CREATE INDEX room_goals_message_id_idx ON room_goals (message_id);
