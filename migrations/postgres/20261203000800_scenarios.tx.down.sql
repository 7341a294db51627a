DROP TABLE room_goals;

--bun:split

ALTER TABLE rooms DROP COLUMN scenario_id;
