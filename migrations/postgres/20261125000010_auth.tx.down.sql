DROP TABLE refresh_tokens;

--bun:split

DROP TABLE auth_sessions;
