-- Room events (engine.WatchRoom). Keep it in step with
-- ../sqlite/20261203001200_room_events.tx.up.sql.
--
-- Every stored event of a room (a message row stored, a reply settled,
-- feedback written, goals changed) takes the room's next number, in the
-- transaction that writes it, from triggers: the write statements of the
-- store stay as they are. room_events.seq is the room's newest number; a
-- transaction takes it under the row's lock, held until it commits, so the
-- numbers of one room follow commit order and a reader that sees number n
-- sees every number below it. room_event_log keeps one row per number (the
-- kind and the message it names) for the newest numbers of each room, which
-- a watcher that reconnects replays; the rows they name are read as they
-- stand. Each event also notifies the schema's channel with the room's id
-- (delivered on commit), which other processes listen on.
CREATE TABLE room_events (
    room_id BIGINT NOT NULL PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
    seq     BIGINT NOT NULL
);

--bun:split

CREATE TABLE room_event_log (
    room_id    BIGINT NOT NULL REFERENCES room_events (room_id) ON DELETE CASCADE,
    seq        BIGINT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('message', 'settled', 'feedback', 'goals')),
    message_id BIGINT,
    PRIMARY KEY (room_id, seq)
);

--bun:split

-- chatplay_room_event numbers one event of room and returns its number. The
-- log keeps the newest 1000 numbers of a room at least (pruned every 500).
CREATE FUNCTION chatplay_room_event(room BIGINT, what TEXT, message BIGINT) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    n BIGINT;
BEGIN
    INSERT INTO room_events AS e (room_id, seq) VALUES (room, 1)
        ON CONFLICT (room_id) DO UPDATE SET seq = e.seq + 1
        RETURNING e.seq INTO n;
    INSERT INTO room_event_log (room_id, seq, kind, message_id) VALUES (room, n, what, message);
    IF n % 500 = 0 THEN
        DELETE FROM room_event_log WHERE room_id = room AND seq <= n - 1000;
    END IF;
    PERFORM pg_notify('chatplay_events_' || to_hex(hashtext(current_schema())), room::text);
    RETURN n;
END
$$;

--bun:split

CREATE FUNCTION chatplay_message_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM chatplay_room_event(NEW.room_id, 'message', NEW.id);
    ELSE
        PERFORM chatplay_room_event(NEW.room_id, 'settled', NEW.id);
    END IF;
    RETURN NULL;
END
$$;

--bun:split

CREATE TRIGGER messages_event_insert AFTER INSERT ON messages
    FOR EACH ROW EXECUTE FUNCTION chatplay_message_event();

--bun:split

CREATE TRIGGER messages_event_settle AFTER UPDATE OF status ON messages
    FOR EACH ROW WHEN (OLD.status = 'pending' AND NEW.status <> 'pending')
    EXECUTE FUNCTION chatplay_message_event();

--bun:split

CREATE FUNCTION chatplay_feedback_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    room BIGINT;
BEGIN
    SELECT room_id INTO room FROM messages WHERE id = NEW.message_id;
    IF room IS NOT NULL THEN
        PERFORM chatplay_room_event(room, 'feedback', NEW.message_id);
    END IF;
    RETURN NULL;
END
$$;

--bun:split

CREATE TRIGGER message_feedback_event AFTER INSERT OR UPDATE ON message_feedback
    FOR EACH ROW EXECUTE FUNCTION chatplay_feedback_event();

--bun:split

-- A goal deleted with its room (a cascade) is no event: the room is gone.
CREATE FUNCTION chatplay_goal_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    room BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        room := OLD.room_id;
    ELSE
        room := NEW.room_id;
    END IF;
    IF EXISTS (SELECT 1 FROM rooms WHERE id = room) THEN
        PERFORM chatplay_room_event(room, 'goals', NULL);
    END IF;
    RETURN NULL;
END
$$;

--bun:split

CREATE TRIGGER room_goals_event AFTER INSERT OR UPDATE OR DELETE ON room_goals
    FOR EACH ROW EXECUTE FUNCTION chatplay_goal_event();
