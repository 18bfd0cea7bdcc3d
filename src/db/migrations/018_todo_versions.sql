-- 018_todo_versions: a counter per district, bumped by every write of a list
-- that to-dos are drawn from (src/model/todos.c: the sources' entities), so
-- that a waiting browser (GET /api/v1/todos/wait) learns cheaply, and only
-- once the write is committed, that its to-dos may have changed.

CREATE TABLE todo_versions (
	district TEXT PRIMARY KEY,
	version BIGINT NOT NULL
);
