-- Migration number: 0001
-- sb_meta: facts about this database itself, one row per key, so an operator (or a later
-- migration) can tell which Switchboard schema a D1 database carries without reading d1_migrations.
CREATE TABLE sb_meta (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL -- milliseconds since epoch
);

INSERT INTO sb_meta (key, value, updated_at)
VALUES ('schema', 'switchboard-d1/1', CAST(unixepoch('subsec') * 1000 AS INTEGER));
