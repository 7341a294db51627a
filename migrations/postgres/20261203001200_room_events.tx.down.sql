DROP TRIGGER room_goals_event ON room_goals;

--bun:split

DROP TRIGGER message_feedback_event ON message_feedback;

--bun:split

DROP TRIGGER messages_event_settle ON messages;

--bun:split

DROP TRIGGER messages_event_insert ON messages;

--bun:split

DROP FUNCTION chatplay_goal_event();

--bun:split

DROP FUNCTION chatplay_feedback_event();

--bun:split

DROP FUNCTION chatplay_message_event();

--bun:split

DROP FUNCTION chatplay_room_event(BIGINT, TEXT, BIGINT);

--bun:split

DROP TABLE room_event_log;

--bun:split

DROP TABLE room_events;
