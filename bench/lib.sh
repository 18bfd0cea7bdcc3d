# bench/lib.sh: the helpers of bench/run, sourced by it (bash).  Medians,
# wrk's figures, the memory lines of /proc/PID/status, and the processes
# the benchmarks start: every one is remembered in BENCH_PIDS, so that the
# cleanup trap of bench/run can end it, by its own id, whatever happened.
# Not a library for anything else: it expects bench/run's variables (T, the
# temp dir; SANLING, the binary; THREADS).

log() {
	printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

die() {
	log "FAILED: $*"
	exit 1
}

# median NUMBER...: the median (the mean of the two middle ones when even).
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END {
			if (NR == 0) { print "nan"; exit }
			if (NR % 2) print v[(NR + 1) / 2]
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

# ratio A B: A / B to two decimals ("-" when B is 0 or not a number).
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "-" }'
}

# fmt NUMBER: a figure rounded to a whole number, thousands separated by ",".
fmt() {
	awk -v x="$1" 'BEGIN {
		s = sprintf("%.0f", x); out = ""
		while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
		print s out
	}'
}

# kib_to_mib KIB: "12.3" (MiB, one decimal).
kib_to_mib() {
	awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'
}

# loadavg: the three load averages of the machine right now.
loadavg() {
	cut -d' ' -f1-3 /proc/loadavg
}

# track PID / untrack PID: remember a process for the cleanup trap.
BENCH_PIDS=""
track() {
	BENCH_PIDS="$BENCH_PIDS $1"
}
untrack() {
	local p out=""
	for p in $BENCH_PIDS; do
		[ "$p" = "$1" ] || out="$out $p"
	done
	BENCH_PIDS=$out
}

# stop_pid PID: SIGTERM, up to 10 s for it to end, then SIGKILL; reaps it.
stop_pid() {
	local pid=$1 i=0
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || :
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if kill -0 "$pid" 2>/dev/null; then
			log "process $pid did not end on SIGTERM: SIGKILL"
			kill -KILL "$pid" 2>/dev/null || :
		fi
	fi
	wait "$pid" 2>/dev/null || :
	untrack "$pid"
}

# start_sanling NAME ARGS...: `sanling ARGS... serve --port 0 --threads
# $THREADS` in the background, its output in $T/NAME.log; waits until it
# listens.  Sets SRV_PID and SRV_URL (http://127.0.0.1:PORT).  With
# SRV_THREADS set (SRV_THREADS=32 start_sanling ...), that many threads
# instead; SRV_THREADS=default gives no --threads (the server's default).
# SRV_WRITE_THREADS=N adds --write-threads N (default: none).
start_sanling() {
	local name=$1 i=0 port="" nt=${SRV_THREADS:-$THREADS} wt=()
	shift
	[ -n "${SRV_WRITE_THREADS:-}" ] && [ "$SRV_WRITE_THREADS" != default ] && wt=(--write-threads "$SRV_WRITE_THREADS")
	if [ "$nt" = default ]; then
		"$SANLING" "$@" serve --port 0 "${wt[@]}" >"$T/$name.log" 2>&1 &
	else
		"$SANLING" "$@" serve --port 0 --threads "$nt" "${wt[@]}" >"$T/$name.log" 2>&1 &
	fi
	SRV_PID=$!
	track "$SRV_PID"
	while [ $i -lt 100 ]; do
		port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$T/$name.log")
		[ -n "$port" ] && break
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$port" ]; then
		cat "$T/$name.log" >&2
		die "sanling serve ($name) did not start"
	fi
	SRV_URL="http://127.0.0.1:$port"
}

# login URL [USER]: log in as the demo's USER (default `office`); sets
# TOKEN to the session token and CSRF to the answer's csrf_token (what
# writes send back in X-CSRF-Token).
login() {
	local hdr=$T/login.hdr user=${2:-office}
	TOKEN=""
	CSRF=""
	curl -s --max-time 20 -o "$T/login.body" -D "$hdr" -X POST \
		-H 'X-CSRF-Token: x' -H 'Content-Type: application/json' \
		-d "{\"username\":\"$user\",\"password\":\"Demo-Pass-2023\"}" "$1/api/v1/login" ||
		die "login at $1: curl failed"
	TOKEN=$(tr -d '\r' <"$hdr" | sed -n 's/^[Ss]et-[Cc]ookie: *sanling_session=\([^;]*\).*/\1/p' | head -n 1)
	CSRF=$(sed -n 's/.*"csrf_token": *"\([^"]*\)".*/\1/p' "$T/login.body" | head -n 1)
	if [ -z "$TOKEN" ] || [ -z "$CSRF" ]; then
		cat "$hdr" "$T/login.body" >&2
		die "login at $1 as $user: no session cookie or csrf_token"
	fi
}

# expect_200 URL [CURL ARGS...]: fail unless URL answers 200.
expect_200() {
	local url=$1 code
	shift
	code=$(curl -s --max-time 20 -o "$T/probe.body" -w '%{http_code}' "$@" "$url") || code=000
	if [ "$code" != 200 ]; then
		head -c 500 "$T/probe.body" >&2 2>/dev/null || :
		die "$url answered $code, not 200"
	fi
}

# wrk_run OUT ARGS...: wrk ARGS..., its output in OUT.  Sets WRK_RPS to the
# requests per second; a run with non-2xx answers or socket errors is
# reported in ANOMALIES (its figure kept, and marked there).  Not to be run
# in a subshell, or ANOMALIES and WRK_RPS are lost.
ANOMALIES=""
wrk_run() {
	local out=$1 rps bad errs
	shift
	wrk "$@" >"$out" 2>&1 || { cat "$out" >&2; die "wrk $* failed"; }
	rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$out")
	[ -n "$rps" ] || { cat "$out" >&2; die "no Requests/sec in wrk's output"; }
	bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$out")
	errs=$(sed -n 's/^ *Socket errors: *\(.*\)$/\1/p' "$out")
	if [ -n "$bad" ]; then
		ANOMALIES="$ANOMALIES
- \`wrk $(redact "$*")\`: $bad answers were not 2xx/3xx; its figure is not valid."
	fi
	if [ -n "$errs" ]; then
		ANOMALIES="$ANOMALIES
- \`wrk $(redact "$*")\`: socket errors: $errs."
	fi
	WRK_RPS=$rps
}

# wrk_latency OUT: the average latency of a wrk output ("1.45ms").
wrk_latency() {
	awk '$1 == "Latency" { print $2; exit }' "$1"
}

# redact TEXT: TEXT with session tokens replaced by TOKEN.
redact() {
	printf '%s' "$1" | sed -e 's/sanling_session=[0-9a-f][0-9a-f]*/sanling_session=TOKEN/g' \
		-e 's/X-CSRF-Token: [0-9a-f][0-9a-f]*/X-CSRF-Token: CSRF/g'
}

# to_ms WRK_TIME: one of wrk's durations ("850.00us", "54.41ms", "1.29s",
# "2.00m") in milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		f = u == "us" ? 0.001 : u == "ms" ? 1 : u == "s" ? 1000 : u == "m" ? 60000 : -1
		if (f < 0) print "nan"; else print n * f
	}'
}

# wrk_p50 OUT: the median latency (ms) of a `wrk --latency` output.
wrk_p50() {
	to_ms "$(awk '$1 == "50%" { print $2; exit }' "$1")"
}

# ms_timed OUT CMD...: CMD with its stdout in OUT and stderr in OUT.err;
# sets MS to its wall time in milliseconds (bash's EPOCHREALTIME: the whole
# process, start-up included, and GNU time's fork around it) and MEM to its
# peak resident set in KiB.  Fails with CMD.
ms_timed() {
	local out=$1 t0 t1
	shift
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%M' -o "$out.mem" "$@" >"$out" 2>"$out.err" ||
		{ tail -n 20 "$out.err" >&2; die "$* failed"; }
	t1=$EPOCHREALTIME
	MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
	MEM=$(tail -n 1 "$out.mem")
}

# groupby_ms ENGINE DB FROM TO: the baseline of the determination: the bare
# `SELECT subject, COUNT(*) ... GROUP BY subject` over petitions, accidents
# and cases dated FROM..TO, in milliseconds (the sum of the three).  sqlite:
# bench/out/bare_groupby on a fresh connection; pg: psql's \timing, one
# session.  Sets GB_MS.
groupby_ms() {
	local engine=$1 db=$2 from=$3 to=$4
	if [ "$engine" = sqlite ]; then
		"$BARE_GROUPBY" "$db" "$from" "$to" >"$T/groupby.out" 2>&1 ||
			{ cat "$T/groupby.out" >&2; die "bare_groupby $db failed"; }
		GB_MS=$(awk '$1 == "total" { print $2 }' "$T/groupby.out")
	else
		{
			echo '\timing on'
			echo '\o /dev/null'
			echo "SELECT subject, COUNT(*) FROM petitions WHERE received_on BETWEEN '$from' AND '$to' GROUP BY subject;"
			echo "SELECT subject, COUNT(*) FROM accidents WHERE occurred_on BETWEEN '$from' AND '$to' GROUP BY subject;"
			echo "SELECT subject, COUNT(*) FROM cases WHERE occurred_on BETWEEN '$from' AND '$to' GROUP BY subject;"
		} | "$PSQL" -X -q -v ON_ERROR_STOP=1 "$db" >"$T/groupby.out" 2>&1 ||
			{ cat "$T/groupby.out" >&2; die "psql GROUP BY on $db failed"; }
		GB_MS=$(awk '$1 == "Time:" { s += $2; n++ } END { if (n == 3) printf "%.3f", s; else print "nan" }' \
			"$T/groupby.out")
	fi
	[ "$GB_MS" != nan ] && [ -n "$GB_MS" ] || { cat "$T/groupby.out" >&2; die "no timing from the GROUP BY baseline"; }
}

# bump_versions ENGINE DB: what any write of a district does to its
# determinations, for every district at once: assess_versions + 1, so that
# the next figures recompute every month of every district (unpublished).
bump_versions() {
	local n
	if [ "$1" = sqlite ]; then
		n=$(sqlite3 "$2" "UPDATE assess_versions SET version = version + 1; SELECT changes();") ||
			die "sqlite3 $2: could not bump assess_versions"
	else
		n=$("$PSQL" -X -q -t -A -v ON_ERROR_STOP=1 -c "WITH u AS (UPDATE assess_versions SET
			version = version + 1 RETURNING 1) SELECT COUNT(*) FROM u" "$2") ||
			die "psql: could not bump assess_versions"
	fi
	[ "${n:-0}" -gt 0 ] 2>/dev/null || die "no district in assess_versions to bump ($2)"
}

# proc_mem PID: "RSS HWM" in KiB from /proc/PID/status.
proc_mem() {
	awk '$1 == "VmRSS:" { r = $2 } $1 == "VmHWM:" { h = $2 } END { print r + 0, h + 0 }' \
		"/proc/$1/status"
}

# timed OUT CMD...: CMD with GNU time; OUT gets "SECONDS MAXRSS_KIB CPU_SECONDS"
# (wall, peak resident set, user + system) and CMD's stdout goes to
# OUT.stdout, stderr to OUT.stderr.  Fails with CMD.
timed() {
	local out=$1
	shift
	/usr/bin/time -f '%e %M %U %S' -o "$out.raw" "$@" >"$out.stdout" 2>"$out.stderr" || {
		tail -n 20 "$out.stderr" >&2
		die "$* failed"
	}
	awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' "$out.raw" >"$out"
}

# spread LIST: max / min of the numbers in LIST, to two decimals.
spread() {
	printf '%s\n' $1 | awk 'NR == 1 || $1 < lo { lo = $1 } NR == 1 || $1 > hi { hi = $1 }
		END { if (lo > 0) printf "%.2f", hi / lo; else print "0" }'
}

# port_free PORT: true when nothing listens on TCP PORT (IPv4 or IPv6).
port_free() {
	local hex
	hex=$(printf '%04X' "$1")
	! cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		awk -v h="$hex" '$4 == "0A" { n = split($2, a, ":"); if (a[n] == h) f = 1 } END { exit !f }'
}

# start_nginx DIR: nginx (2 workers, access_log off) serving DIR/www on a
# free loopback port, with its config, pid file, logs and temp files in
# DIR.  Sets NGX_PID and NGX_URL (http://127.0.0.1:PORT).  Checks that the
# answer is our own file, not another server's.
start_nginx() {
	local dir=$1 port tries=0 i body
	port=$((20000 + $$ % 20000))
	while [ $tries -lt 50 ]; do
		port=$((port + 1))
		port_free "$port" || continue
		tries=$((tries + 1))
		cat >"$dir/nginx.conf" <<-CONF
		worker_processes 2;
		daemon off;
		pid $dir/nginx.pid;
		error_log $dir/error.log warn;
		events { worker_connections 1024; }
		http {
			access_log off;
			sendfile on;
			default_type text/plain;
			client_body_temp_path $dir/tmp/body;
			proxy_temp_path $dir/tmp/proxy;
			fastcgi_temp_path $dir/tmp/fastcgi;
			uwsgi_temp_path $dir/tmp/uwsgi;
			scgi_temp_path $dir/tmp/scgi;
			server {
				listen 127.0.0.1:$port;
				root $dir/www;
			}
		}
		CONF
		"$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >>"$dir/stderr.log" 2>&1 &
		NGX_PID=$!
		track "$NGX_PID"
		NGX_URL="http://127.0.0.1:$port"
		i=0
		while [ $i -lt 50 ] && kill -0 "$NGX_PID" 2>/dev/null; do
			body=$(curl -s --max-time 2 "$NGX_URL/static.txt" 2>/dev/null) || body=""
			if [ "$body" = "$(cat "$dir/www/static.txt")" ]; then
				return 0
			fi
			sleep 0.1
			i=$((i + 1))
		done
		stop_pid "$NGX_PID"
	done
	cat "$dir/error.log" >&2 2>/dev/null || :
	die "nginx did not start"
}
