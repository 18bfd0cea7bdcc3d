#!/bin/sh
# pgtmp.sh: a throwaway PostgreSQL cluster for tests.
#
#   sh scripts/pgtmp.sh start DIR   create (if needed) and start a cluster in
#                                   DIR; the last line printed is its URL,
#                                   postgresql://postgres@127.0.0.1:PORT/sanling_test
#   sh scripts/pgtmp.sh stop DIR    stop it (DIR is left for `rm -rf`)
#   sh scripts/pgtmp.sh url DIR     print the URL of the running cluster
#   sh scripts/pgtmp.sh replica DIR PRIMARY
#                                   a streaming replica in DIR of the running
#                                   cluster in PRIMARY (pg_basebackup -R over
#                                   loopback, hot standby), started on the
#                                   next free port; its URL last, as above
#
# The cluster listens on 127.0.0.1 only, on the first free port of
# 54320..54399, with its socket directory inside DIR, trust authentication
# for the superuser `postgres`, UTF8, and fsync on — or off with PGTMP_FSYNC=off
# (the test suite's cluster: a commit then waits for no disk, and nothing else
# changes; benchmarks keep it on).  Not for production: no password, and it
# trusts every local connection.
#
# Run as root, the server runs as the `postgres` system user (created by
# Debian's postgresql packages), since initdb refuses to run as root: DIR is
# chowned to it, and every directory above DIR must be searchable by it
# (/tmp/... is).  Run as another user, the cluster belongs to that user.
# DIR is kept short and plain (letters, digits, _ . / -): the socket path
# inside it must fit in 107 bytes.
# Binaries come from the newest /usr/lib/postgresql/*/bin (or $PGBIN).
set -eu

usage() {
	echo "usage: sh scripts/pgtmp.sh start|stop|url DIR | replica DIR PRIMARY" >&2
	exit 2
}

[ $# -eq 2 ] || { [ $# -eq 3 ] && [ "$1" = replica ]; } || usage
case ${PGTMP_FSYNC:-on} in
on | off) ;;
*)
	echo "pgtmp: PGTMP_FSYNC is on or off, not '$PGTMP_FSYNC'" >&2
	exit 2
	;;
esac
cmd=$1
dir=$2
primary=${3:-}

if [ -z "${PGBIN:-}" ]; then
	PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n | tail -n 1)
fi
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
	echo "pgtmp: no PostgreSQL server binaries (install postgresql)" >&2
	exit 1
fi

# as_owner CMD...: run CMD as the user who owns the cluster.
if [ "$(id -u)" -eq 0 ]; then
	if ! id postgres >/dev/null 2>&1; then
		echo "pgtmp: running as root needs the 'postgres' system user" >&2
		exit 1
	fi
	as_owner() {
		if command -v runuser >/dev/null 2>&1; then
			runuser -u postgres -- "$@"
		else
			# su needs one command string: quote each word.
			q=
			for a in "$@"; do
				q="$q '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
			done
			su postgres -s /bin/sh -c "$q"
		fi
	}
else
	as_owner() { "$@"; }
fi

case $dir$primary in
*[!A-Za-z0-9_./-]*)
	echo "pgtmp: DIR may hold only letters, digits and _ . / -" >&2
	exit 2 ;;
esac
data=$dir/data

url() {
	echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/sanling_test"
}

running() {
	[ -f "$data/postmaster.pid" ] && as_owner "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1
}

# Make DIR (the cluster's) owned by the cluster's user; $dir and $data absolute.
own_dir() {
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	data=$dir/data
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres "$dir"
		chmod 700 "$dir"
	fi
}

# Start the cluster in $data on the first free port; it is written to $dir/port.
launch() {
	port=54320
	while [ $port -le 54399 ]; do
		# -w waits until the server accepts connections or gives up.
		if as_owner "$PGBIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
			-o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$dir' -c fsync=${PGTMP_FSYNC:-on} -c synchronous_commit=on -c full_page_writes=on -c max_connections=50 -c shared_buffers=32MB" \
			start >/dev/null 2>&1; then
			break
		fi
		if running; then
			break
		fi
		if ! tail -n 20 "$dir/server.log" 2>/dev/null | grep -q "already in use"; then
			echo "pgtmp: PostgreSQL did not start; see $dir/server.log:" >&2
			tail -n 5 "$dir/server.log" >&2 || :
			exit 1
		fi
		port=$((port + 1))
	done
	if [ $port -gt 54399 ]; then
		echo "pgtmp: could not start PostgreSQL on any port 54320..54399; see $dir/server.log" >&2
		exit 1
	fi
	as_owner sh -c "echo $port > '$dir/port'"
}

start() {
	own_dir
	if [ ! -f "$data/PG_VERSION" ]; then
		as_owner "$PGBIN/initdb" -D "$data" -U postgres --auth=trust \
			-E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		as_owner "$PGBIN/initdb" -D "$data" -U postgres --auth=trust \
			-E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
			cat "$dir/initdb.log" >&2
			exit 1
		}
	fi
	if running; then
		url
		return
	fi
	launch
	port=$(cat "$dir/port")
	if ! as_owner "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAq \
		-c "SELECT 1 FROM pg_database WHERE datname = 'sanling_test'" | grep -q 1; then
		as_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres \
			-E UTF8 -T template0 sanling_test
	fi
	url
}

# initdb's defaults serve: wal_level replica, 10 WAL senders, and trust for
# replication connections from loopback.  The copy's fast checkpoint keeps
# it to a second or two; -R writes standby.signal and primary_conninfo.
replica() {
	if [ ! -f "$primary/port" ]; then
		echo "pgtmp: no running cluster in $primary" >&2
		exit 1
	fi
	pport=$(cat "$primary/port")
	own_dir
	if [ ! -f "$data/PG_VERSION" ]; then
		as_owner "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$pport" -U postgres -D "$data" \
			-R -X stream -c fast >"$dir/basebackup.log" 2>&1 || {
			cat "$dir/basebackup.log" >&2
			exit 1
		}
	fi
	if ! running; then
		launch
	fi
	url
}

stop() {
	if [ ! -d "$data" ]; then
		echo "pgtmp: no cluster in $dir" >&2
		exit 1
	fi
	if running; then
		as_owner "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
	fi
}

case $cmd in
start) start ;;
stop) stop ;;
url) running && url || { echo "pgtmp: not running" >&2; exit 1; } ;;
replica) replica ;;
*) usage ;;
esac
