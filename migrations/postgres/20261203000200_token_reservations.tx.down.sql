DROP TABLE token_reservations;
