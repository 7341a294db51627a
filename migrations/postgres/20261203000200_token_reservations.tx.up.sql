-- Token reservations: the part of a user's daily token allowance held by
-- turns in flight, from before the model is called until the reply is stored
-- (engine.TokenReservation). A turn is admitted against usage_daily plus the
-- unexpired reservations of the day, counted under the user's row lock. A
-- reservation left by a process that died stops counting at expires_at.
-- Keep it column for column in step with
-- ../sqlite/20261203000200_token_reservations.tx.up.sql.
CREATE TABLE token_reservations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day        TEXT NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    tokens     BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

--bun:split

CREATE INDEX token_reservations_user_id_day_idx ON token_reservations (user_id, day);
