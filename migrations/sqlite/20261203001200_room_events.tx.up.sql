-- Room events (engine.WatchRoom). Keep it in step with
-- ../postgres/20261203001200_room_events.tx.up.sql, which explains it.
-- SQLite has no functions: each trigger repeats the numbering (the room's
-- next number, its log row, the pruning of the log); one process writes at
-- a time, so the numbers follow commit order.
CREATE TABLE room_events (
    room_id INTEGER NOT NULL PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL
);

--bun:split

CREATE TABLE room_event_log (
    room_id    INTEGER NOT NULL REFERENCES room_events (room_id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('message', 'settled', 'feedback', 'goals')),
    message_id INTEGER,
    PRIMARY KEY (room_id, seq)
);

--bun:split

CREATE TRIGGER messages_event_insert AFTER INSERT ON messages
BEGIN
    INSERT INTO room_events (room_id, seq) SELECT NEW.room_id, 1 WHERE true
        ON CONFLICT (room_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO room_event_log (room_id, seq, kind, message_id)
        SELECT room_id, seq, 'message', NEW.id FROM room_events WHERE room_id = NEW.room_id;
    DELETE FROM room_event_log WHERE room_id = NEW.room_id
        AND seq <= (SELECT seq - 1000 FROM room_events WHERE room_id = NEW.room_id AND seq % 500 = 0);
END;

--bun:split

CREATE TRIGGER messages_event_settle AFTER UPDATE OF status ON messages
WHEN OLD.status = 'pending' AND NEW.status <> 'pending'
BEGIN
    INSERT INTO room_events (room_id, seq) SELECT NEW.room_id, 1 WHERE true
        ON CONFLICT (room_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO room_event_log (room_id, seq, kind, message_id)
        SELECT room_id, seq, 'settled', NEW.id FROM room_events WHERE room_id = NEW.room_id;
    DELETE FROM room_event_log WHERE room_id = NEW.room_id
        AND seq <= (SELECT seq - 1000 FROM room_events WHERE room_id = NEW.room_id AND seq % 500 = 0);
END;

--bun:split

CREATE TRIGGER message_feedback_event_insert AFTER INSERT ON message_feedback
WHEN (SELECT room_id FROM messages WHERE id = NEW.message_id) IS NOT NULL
BEGIN
    INSERT INTO room_events (room_id, seq) SELECT (SELECT room_id FROM messages WHERE id = NEW.message_id), 1 WHERE true
        ON CONFLICT (room_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO room_event_log (room_id, seq, kind, message_id)
        SELECT room_id, seq, 'feedback', NEW.message_id FROM room_events WHERE room_id = (SELECT room_id FROM messages WHERE id = NEW.message_id);
    DELETE FROM room_event_log WHERE room_id = (SELECT room_id FROM messages WHERE id = NEW.message_id)
        AND seq <= (SELECT seq - 1000 FROM room_events WHERE room_id = (SELECT room_id FROM messages WHERE id = NEW.message_id) AND seq % 500 = 0);
END;

--bun:split

CREATE TRIGGER message_feedback_event_update AFTER UPDATE ON message_feedback
WHEN (SELECT room_id FROM messages WHERE id = NEW.message_id) IS NOT NULL
BEGIN
    INSERT INTO room_events (room_id, seq) SELECT (SELECT room_id FROM messages WHERE id = NEW.message_id), 1 WHERE true
        ON CONFLICT (room_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO room_event_log (room_id, seq, kind, message_id)
        SELECT room_id, seq, 'feedback', NEW.message_id FROM room_events WHERE room_id = (SELECT room_id FROM messages WHERE id = NEW.message_id);
    DELETE FROM room_event_log WHERE room_id = (SELECT room_id FROM messages WHERE id = NEW.message_id)
        AND seq <= (SELECT seq - 1000 FROM room_events WHERE room_id = (SELECT room_id FROM messages WHERE id = NEW.message_id) AND seq % 500 = 0);
END;

--bun:split

-- A goal deleted with its room (a cascade) is no event: the room is gone.
CREATE TRIGGER room_goals_event_insert AFTER INSERT ON room_goals
WHEN EXISTS (SELECT 1 FROM rooms WHERE id = NEW.room_id)
BEGIN
    INSERT INTO room_events (room_id, seq) SELECT NEW.room_id, 1 WHERE true
        ON CONFLICT (room_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO room_event_log (room_id, seq, kind, message_id)
        SELECT room_id, seq, 'goals', NULL FROM room_events WHERE room_id = NEW.room_id;
    DELETE FROM room_event_log WHERE room_id = NEW.room_id
        AND seq <= (SELECT seq - 1000 FROM room_events WHERE room_id = NEW.room_id AND seq % 500 = 0);
END;

--bun:split

CREATE TRIGGER room_goals_event_update AFTER UPDATE ON room_goals
WHEN EXISTS (SELECT 1 FROM rooms WHERE id = NEW.room_id)
BEGIN
    INSERT INTO room_events (room_id, seq) SELECT NEW.room_id, 1 WHERE true
        ON CONFLICT (room_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO room_event_log (room_id, seq, kind, message_id)
        SELECT room_id, seq, 'goals', NULL FROM room_events WHERE room_id = NEW.room_id;
    DELETE FROM room_event_log WHERE room_id = NEW.room_id
        AND seq <= (SELECT seq - 1000 FROM room_events WHERE room_id = NEW.room_id AND seq % 500 = 0);
END;

--bun:split

CREATE TRIGGER room_goals_event_delete AFTER DELETE ON room_goals
WHEN EXISTS (SELECT 1 FROM rooms WHERE id = OLD.room_id)
BEGIN
    INSERT INTO room_events (room_id, seq) SELECT OLD.room_id, 1 WHERE true
        ON CONFLICT (room_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO room_event_log (room_id, seq, kind, message_id)
        SELECT room_id, seq, 'goals', NULL FROM room_events WHERE room_id = OLD.room_id;
    DELETE FROM room_event_log WHERE room_id = OLD.room_id
        AND seq <= (SELECT seq - 1000 FROM room_events WHERE room_id = OLD.room_id AND seq % 500 = 0);
END;
