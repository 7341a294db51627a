DROP TRIGGER room_goals_event_delete;

--bun:split

DROP TRIGGER room_goals_event_update;

--bun:split

DROP TRIGGER room_goals_event_insert;

--bun:split

DROP TRIGGER message_feedback_event_update;

--bun:split

DROP TRIGGER message_feedback_event_insert;

--bun:split

DROP TRIGGER messages_event_settle;

--bun:split

DROP TRIGGER messages_event_insert;

--bun:split

DROP TABLE room_event_log;

--bun:split

DROP TABLE room_events;
