-- Token reservations: the part of a user's daily token allowance held by
-- turns in flight, from before the model is called until the reply is stored
-- (engine.TokenReservation). A turn is admitted against usage_daily plus the
-- unexpired reservations of the day, counted in a BEGIN IMMEDIATE
-- transaction. A reservation left by a process that died stops counting at
-- expires_at. Keep it column for column in step with
-- ../postgres/20261203000200_token_reservations.tx.up.sql.
CREATE TABLE token_reservations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day        TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    tokens     INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

--bun:split

CREATE INDEX token_reservations_user_id_day_idx ON token_reservations (user_id, day);
