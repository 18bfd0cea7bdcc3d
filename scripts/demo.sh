#!/bin/sh
# demo.sh: the demo district, served on http://127.0.0.1:8080 (make demo).
# The first run creates demo/sanling.db and loads the district; later runs
# reuse it.  The accounts and their passwords are printed each time.
set -eu
cd "$(dirname "$0")/.."
BIN=build/sanling
DIR=demo
DB=${SANLING_DB:-$DIR/sanling.db}
PORT=${PORT:-8080}
mkdir -p "$DIR"
if [ ! -f "$DIR/credentials.txt" ]; then
	rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.key"
	"$BIN" --db "$DB" init >/dev/null
	"$BIN" --db "$DB" gen demo --demo-passwords >"$DIR/credentials.txt.tmp"
	mv "$DIR/credentials.txt.tmp" "$DIR/credentials.txt"
fi
WEB=web/dist
[ -f "$WEB/index.html" ] || WEB=web/static
cat "$DIR/credentials.txt"
echo
echo "Sanling demo: http://127.0.0.1:$PORT/  (log in with a user above; Ctrl-C stops)"
exec "$BIN" --db "$DB" serve --port "$PORT" --web "$WEB"
