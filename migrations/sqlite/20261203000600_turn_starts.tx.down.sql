DROP TABLE turn_starts;
