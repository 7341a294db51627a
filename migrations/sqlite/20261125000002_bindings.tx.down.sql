DROP TABLE processed_events;

--bun:split

DROP TABLE bindings;
