DROP TABLE link_codes;

--bun:split

ALTER TABLE identities DROP COLUMN linked_at;
