#!/bin/bash
# bench/service.sh SANLING TMPDIR [RUNS] [COUNTIES] [PG_COUNTIES]: running
# it as a service (issue 18) against baselines measured in the same
# invocation, runs interleaved, medians of RUNS (default 3).
#
# 18a. Backup: a province of COUNTIES districts (`gen scale --counties N
#      --seed 1` into a fresh SQLite database; 0 skips it), then RUNS times
#      `sanling backup -o FILE` (a snapshot, its manifest, tar + zstd,
#      SHA-256) against `sqlite3 DB ".backup FILE"` (SQLite's page copy) of
#      the same file, each after a `sync`, which of the two goes first
#      alternating.  Ratio: the baseline's time / ours (our speed as a
#      share of its).  Target >= 0.5.
# 18b. Restore: RUNS times `sanling restore` of that backup into a new
#      database (checked, migrated, the audit chain verified) against the
#      bulk import path: the time `gen scale` took to load the same rows
#      (the program's bulk path, db_bulk_*: prepared inserts, COPY on
#      PostgreSQL; one run: it is the generation).  Ratio: the rows a
#      second, restore / bulk path.  Target >= 0.5.
# 18a', 18b'. The same on PostgreSQL with PG_COUNTIES districts (a
#      throwaway cluster, scripts/pgtmp.sh; 0 skips it): `sanling backup`
#      against `pg_dump --format=custom` of the same database, `sanling
#      restore` into a new database against `gen scale` there.
# 18c. /metrics: two servers on copies of the demo district (`gen demo
#      --demo-passwords`), one with `--metrics-listen` and a scraper polling
#      GET /metrics every second, one without (nothing counted), `wrk -t2
#      -c64 -dDURATIONs` interleaved, RUNS times each, on GET
#      /api/v1/health and GET /api/v1/subjects/{id} (as office): requests
#      a second, and the server's CPU time a request (user + system from
#      /proc/PID/stat over the run).  Target: < 2 % fewer requests.  On a
#      shared machine runs of the same server differ by far more than 2 %,
#      so also: what counting adds to a request measured alone
#      (bench/bare_metrics.c, CPU time, metrics on minus off) as a share of
#      the server's CPU time a request; and a scrape's CPU time on the
#      server (200 scrapes one after the other).
#
# Prints the table rows ("| 18a. ..." to "| 18c. ...") on stdout, progress
# on stderr; ends its servers and cluster and removes its databases at the
# end.  Needs curl, sqlite3, wrk, GNU time, pg_dump (PostgreSQL's client)
# and, for 18a'/18b', PostgreSQL's server binaries.
set -eu
SANLING=$1 T=$2 RUNS=${3:-3} COUNTIES=${4:-100} PG_COUNTIES=${5:-20}
THREADS=${BENCH_THREADS:-$(nproc)}
DURATION=${BENCH_DURATION:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
unset LC_ALL SANLING_FAST_KDF SANLING_DB SANLING_KEY
export LC_NUMERIC=C
. "$ROOT/bench/lib.sh"
mkdir -p "$T"
PGDIR=""
cleanup() {
	local p
	for p in $BENCH_PIDS; do
		stop_pid "$p"
	done
	[ -z "$PGDIR" ] || { sh "$ROOT/scripts/pgtmp.sh" stop "$PGDIR" >/dev/null 2>&1 || :; rm -rf "$PGDIR"; }
	rm -rf "$T"/prov.db* "$T"/r.db* "$T"/copy.db* "$T"/b.tar.zst* "$T"/dump.pgc "$T"/demo.db* "$T"/m?.db* \
		"$T"/*.conf
}
trap cleanup EXIT
slash() { echo $* | sed 's/ / \/ /g'; }
s2() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 1000 }'; }
# secs MS...: "1.00 / 2.00 / ..." (seconds)
secs() { echo "$@" | awk '{ for (i = 1; i <= NF; i++) printf "%s%.2f", (i > 1 ? " / " : ""), $i / 1000 }'; }
atleast() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t ? "yes" : "**NO**") }'; }
# wall OUT CMD...: CMD, its output in OUT; sets MS (wall, EPOCHREALTIME)
wall() {
	local out=$1 t0 t1
	shift
	t0=$EPOCHREALTIME
	"$@" >"$out" 2>&1 || { tail -n 5 "$out" >&2; die "$* failed"; }
	t1=$EPOCHREALTIME
	MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
}
mb() { du -m "$1" | cut -f1; }

# suite TAG ENGINE DB KEY BASELINE...: 18a/18b on a generated province:
# RUNS times the backup against the command BASELINE (its output file
# $T/copy.db or $T/dump.pgc), and the restore into $NEWDB (a new empty
# database, made by `newdb RUN`).  Sets the medians (BACKUP_MS, BASE_MS,
# RESTORE_MS), the lists, ROWS (the restored manifest's) and the sizes.
suite() {
	local tag=$1 engine=$2 db=$3 key=$4 B="" S="" R="" i rows bsize csize
	shift 4
	for i in $(seq "$RUNS"); do
		rm -f "$T/b.tar.zst" "$T/copy.db" "$T/dump.pgc"
		# each after the disk has taken what the one before wrote (a
		# gigabyte still to write back slows whoever writes next), and
		# which goes first alternates
		if [ $((i % 2)) = 1 ]; then
			sync
			wall "$T/out.backup" "$SANLING" --db "$db" --key "$key" backup -o "$T/b.tar.zst"
			B="$B $MS"
			sync
			wall "$T/out.base" "$@"
			S="$S $MS"
		else
			sync
			wall "$T/out.base" "$@"
			S="$S $MS"
			sync
			wall "$T/out.backup" "$SANLING" --db "$db" --key "$key" backup -o "$T/b.tar.zst"
			B="$B $MS"
		fi
		newdb "$i"
		sync
		wall "$T/out.restore" "$SANLING" --db "$NEWDB" --key "$key" restore "$T/b.tar.zst"
		R="$R $MS"
		grep -q 'the audit chain verified' "$T/out.restore" || die "restore: $(cat "$T/out.restore")"
		log "$tag run $i: backup ${B##* } ms; baseline ${S##* } ms; restore ${R##* } ms"
	done
	rows=$(sed -n 's/.*tables, \([0-9]*\) rows.*/\1/p' "$T/out.restore")
	bsize=$(mb "$T/b.tar.zst")
	if [ "$engine" = sqlite ]; then csize=$(mb "$T/copy.db"); else csize=$(mb "$T/dump.pgc"); fi
	BACKUP_MS=$(median $B) BASE_MS=$(median $S) RESTORE_MS=$(median $R)
	BACKUP_LIST=$B BASE_LIST=$S RESTORE_LIST=$R ROWS=$rows BSIZE=$bsize CSIZE=$csize
}

# report 18a PRIME WHAT BASELINE TARGET BULK LOAD: the rows of 18a/18b (or
# 18a′/18b′ with PRIME ′) from suite()'s figures and the generation's.
report() {
	local p=$2 rr gr r
	echo "| 18a$p. \`sanling backup\` of a province of $3 ($DB_MB MB, $(fmt "$ROWS") rows; the archive $BSIZE MB) | $(s2 "$BACKUP_MS") s | $4 $(s2 "$BASE_MS") s ($CSIZE MB) | $(ratio "$BASE_MS" "$BACKUP_MS") | ≥ 0.5 | $(atleast "$(ratio "$BASE_MS" "$BACKUP_MS")" 0.5) |"
	rr=$(awk -v n="$GEN_ROWS" -v ms="$RESTORE_MS" 'BEGIN { printf "%.0f", n / ms * 1000 }')
	gr=$(awk -v n="$GEN_ROWS" -v ms="$GEN_MS" 'BEGIN { printf "%.0f", n / ms * 1000 }')
	r=$(ratio "$rr" "$gr")
	echo "| 18b$p. \`sanling restore\` of that backup into $5 | $(fmt "$rr") rows/s ($(s2 "$RESTORE_MS") s) | $6: \`gen scale\` $(fmt "$gr") rows/s ($(s2 "$GEN_MS") s, 1 run) | $r | ≥ 0.5 | $(atleast "$r" 0.5) |"
	echo "| 18a$p, 18b$p. details (s, each run): backup; baseline; restore | $(secs $BACKUP_LIST); $(secs $BASE_LIST); $(secs $RESTORE_LIST) | load $7 | | | |"
}

# ---- 18a, 18b: SQLite ----

if [ "$COUNTIES" -gt 0 ]; then
	log "service: a province of $COUNTIES districts on SQLite"
	"$SANLING" --db "$T/prov.db" init >"$T/out.init" 2>&1 || { cat "$T/out.init" >&2; die "init"; }
	wall "$T/out.gen" "$SANLING" --db "$T/prov.db" gen scale --counties "$COUNTIES" --seed 1
	GEN_MS=$MS
	GEN_ROWS=$(awk '$1 == "total" && $2 == "(wall)" { print $3 }' "$T/out.gen")
	DB_MB=$(mb "$T/prov.db")
	log "generated: $GEN_ROWS rows in $GEN_MS ms, $DB_MB MB"
	newdb() { rm -f "$T"/r.db*; NEWDB=$T/r.db; }
	suite 18a sqlite "$T/prov.db" "$T/prov.db.key" sqlite3 "$T/prov.db" ".backup $T/copy.db"
	LOAD_A=$(loadavg)
	report 18a "" "$COUNTIES districts on SQLite" "\`sqlite3 .backup\`" \
		"a new SQLite database (checked, the audit chain verified)" "the bulk path" "$LOAD_A"
	rm -f "$T"/prov.db* "$T"/r.db* "$T"/copy.db "$T"/b.tar.zst
fi

# ---- 18a', 18b': PostgreSQL ----

if [ "$PG_COUNTIES" -gt 0 ]; then
	log "service: a province of $PG_COUNTIES districts on PostgreSQL"
	PGDIR=$(mktemp -d /tmp/slsvc-pg.XXXXXX)
	PGURL=$(sh "$ROOT/scripts/pgtmp.sh" start "$PGDIR" 2>"$T/out.pg" | tail -n 1)
	[ -n "$PGURL" ] || die "PostgreSQL did not start: $(tail -n 3 "$T/out.pg")"
	PSQL=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n | tail -n 1)/psql
	"$SANLING" --db "$PGURL" --key "$T/pg.key" init >"$T/out.init" 2>&1 || { cat "$T/out.init" >&2; die "init (PostgreSQL)"; }
	wall "$T/out.gen" "$SANLING" --db "$PGURL" --key "$T/pg.key" gen scale --counties "$PG_COUNTIES" --seed 1
	GEN_MS=$MS
	GEN_ROWS=$(awk '$1 == "total" && $2 == "(wall)" { print $3 }' "$T/out.gen")
	DB_MB=$("$PSQL" -X -qAt -c "SELECT pg_database_size(current_database()) / 1048576" "$PGURL")
	log "generated on PostgreSQL: $GEN_ROWS rows in $GEN_MS ms, $DB_MB MB"
	newdb() {
		local name=r_$1
		"$PSQL" -X -qAt -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" "$PGURL" >/dev/null
		NEWDB=${PGURL%/*}/$name
	}
	suite "18a'" pg "$PGURL" "$T/pg.key" pg_dump --format=custom --file="$T/dump.pgc" "$PGURL"
	LOAD_P=$(loadavg)
	report 18a "′" "$PG_COUNTIES districts on PostgreSQL" "\`pg_dump --format=custom\`" \
		"a new PostgreSQL database" "the bulk path (COPY)" "$LOAD_P"
	sh "$ROOT/scripts/pgtmp.sh" stop "$PGDIR" >/dev/null 2>&1 || :
	rm -rf "$PGDIR"
	PGDIR=""
	rm -f "$T/dump.pgc" "$T/b.tar.zst" "$T/pg.key"
fi

# ---- 18c: /metrics ----

log "service: /metrics on and scraped against off, the demo district"
BARE_METRICS=$ROOT/bench/out/bare_metrics
mkdir -p "$ROOT/bench/out"
cc -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$ROOT/src" -I"$ROOT/build/gen" -o "$BARE_METRICS" \
	"$ROOT/bench/bare_metrics.c" "$ROOT/build/libsanling.a" \
	$(pkg-config --libs $(sed -n 's/^PKGS := //p' "$ROOT/Makefile")) -lcsv -lpthread -lm ||
	die "cannot build bench/bare_metrics"
"$SANLING" --db "$T/demo.db" init >"$T/out.init" 2>&1 || { cat "$T/out.init" >&2; die "init"; }
"$SANLING" --db "$T/demo.db" gen demo --demo-passwords >"$T/out.demo" 2>&1 ||
	{ tail -n 5 "$T/out.demo" >&2; die "gen demo"; }
for n in mA mB; do
	cp "$T/demo.db" "$T/$n.db"
	cp "$T/demo.db.key" "$T/$n.db.key"
done
printf 'metrics-listen = 127.0.0.1:0\n' >"$T/metrics.conf"
start_sanling off --db "$T/mA.db"
OFF_PID=$SRV_PID OFF_URL=$SRV_URL
start_sanling on --config "$T/metrics.conf" --db "$T/mB.db"
ON_PID=$SRV_PID ON_URL=$SRV_URL
METRICS_URL=$(sed -n 's/.*metrics on \(http:[^ ]*\).*/\1/p' "$T/on.log")
[ -n "$METRICS_URL" ] || die "no metrics listener: $(cat "$T/on.log")"
grep -q 'metrics on' "$T/off.log" && die "the server without --metrics-listen announced metrics"
sleep 1
login "$OFF_URL"
OFF_TOKEN=$TOKEN
login "$ON_URL"
ON_TOKEN=$TOKEN
SUBJECT_ID=$(curl -s --max-time 20 -b "sanling_session=$OFF_TOKEN" "$OFF_URL/api/v1/subjects?page=1000&page_size=1" |
	grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2)
[ -n "$SUBJECT_ID" ] || die "no subject id"
# the scraper: every second, as Prometheus would (its curl runs beside both servers' runs)
( while :; do curl -s -o /dev/null --max-time 5 "$METRICS_URL"; sleep 1; done ) &
SCRAPER=$!
track "$SCRAPER"
SCRAPE_BYTES=$(curl -s --max-time 5 "$METRICS_URL" | wc -c)
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICK_US=$(awk -v h="$(getconf CLK_TCK)" 'BEGIN { print 1000000 / h }')
# run KIND PID URL TOKEN PATH: one wrk run; appends req/s to KIND's list and
# the server's CPU µs a request to KIND_CPU
run() {
	local kind=$1 pid=$2 url=$3 token=$4 path=$5 c0 c1 n cpu
	c0=$(ticks "$pid")
	wrk_run "$T/wrk.$kind" -t2 -c64 -d"${DURATION}s" -H "Cookie: sanling_session=$token" "$url$path"
	c1=$(ticks "$pid")
	n=$(awk '$2 == "requests" && $3 == "in" { print $1; exit }' "$T/wrk.$kind")
	cpu=$(awk -v d=$((c1 - c0)) -v t="$TICK_US" -v n="$n" 'BEGIN { printf "%.1f", d * t / n }')
	printf -v "$kind" '%s' "${!kind} $WRK_RPS"
	printf -v "${kind}_CPU" '%s' "$(eval echo "\${${kind}_CPU:-}") $cpu"
}
for p in "/api/v1/health" "/api/v1/subjects/$SUBJECT_ID"; do
	expect_200 "$OFF_URL$p" -H "Cookie: sanling_session=$OFF_TOKEN"
	expect_200 "$ON_URL$p" -H "Cookie: sanling_session=$ON_TOKEN"
	wrk -t2 -c64 -d2s -H "Cookie: sanling_session=$OFF_TOKEN" "$OFF_URL$p" >/dev/null 2>&1
	wrk -t2 -c64 -d2s -H "Cookie: sanling_session=$ON_TOKEN" "$ON_URL$p" >/dev/null 2>&1
done
H_OFF="" H_ON="" S_OFF="" S_ON=""
for i in $(seq "$RUNS"); do
	# the order alternates, so that neither side always runs first
	if [ $((i % 2)) = 1 ]; then
		run H_OFF "$OFF_PID" "$OFF_URL" "$OFF_TOKEN" /api/v1/health
		run H_ON "$ON_PID" "$ON_URL" "$ON_TOKEN" /api/v1/health
		run S_OFF "$OFF_PID" "$OFF_URL" "$OFF_TOKEN" "/api/v1/subjects/$SUBJECT_ID"
		run S_ON "$ON_PID" "$ON_URL" "$ON_TOKEN" "/api/v1/subjects/$SUBJECT_ID"
	else
		run H_ON "$ON_PID" "$ON_URL" "$ON_TOKEN" /api/v1/health
		run H_OFF "$OFF_PID" "$OFF_URL" "$OFF_TOKEN" /api/v1/health
		run S_ON "$ON_PID" "$ON_URL" "$ON_TOKEN" "/api/v1/subjects/$SUBJECT_ID"
		run S_OFF "$OFF_PID" "$OFF_URL" "$OFF_TOKEN" "/api/v1/subjects/$SUBJECT_ID"
	fi
	log "metrics run $i: health off ${H_OFF##* } / on ${H_ON##* } req/s; subject off ${S_OFF##* } / on ${S_ON##* } req/s"
done
SCRAPES=$(curl -s --max-time 5 "$METRICS_URL" | awk '/^sanling_http_requests_total\{route="\/api\/v1\/health",method="GET",code="200"\}/ { print $2 }')
stop_pid "$SCRAPER"
# a scrape's cost: the server's CPU time over 200 scrapes one after the other
c0=$(ticks "$ON_PID")
for i in $(seq 200); do curl -s -o /dev/null --max-time 5 "$METRICS_URL"; done
SCRAPE_US=$(awk -v d=$(($(ticks "$ON_PID") - c0)) -v t="$TICK_US" 'BEGIN { printf "%.0f", d * t / 200 }')
stop_pid "$OFF_PID"
stop_pid "$ON_PID"
# what counting adds to a request, alone (bench/bare_metrics.c): its CPU time on and off
BARE_ON="" BARE_OFF=""
for i in $(seq "$RUNS"); do
	BARE_OFF="$BARE_OFF $("$BARE_METRICS" --off "$THREADS" | awk '{ print $1 }')"
	BARE_ON="$BARE_ON $("$BARE_METRICS" "$THREADS" | awk '{ print $1 }')"
done
BARE_NS=$(awk -v a="$(median $BARE_ON)" -v b="$(median $BARE_OFF)" 'BEGIN { printf "%.0f", a - b }')
LOAD_C=$(loadavg)
pct() { awk -v on="$1" -v off="$2" 'BEGIN { printf "%+.1f %%", (on / off - 1) * 100 }'; }
under2() { awk -v on="$1" -v off="$2" 'BEGIN { print (on >= 0.98 * off ? "yes" : "**NO**") }'; }
for k in H:"GET /api/v1/health" S:"GET /api/v1/subjects/{id} (office)"; do
	v=${k%%:*} what=${k#*:}
	off=$(median $(eval echo "\$${v}_OFF")) on=$(median $(eval echo "\$${v}_ON"))
	coff=$(median $(eval echo "\$${v}_OFF_CPU")) con=$(median $(eval echo "\$${v}_ON_CPU"))
	echo "| 18c. \`$what\`, metrics kept and GET /metrics scraped every second ($SCRAPE_BYTES bytes a scrape) | $(fmt "$on") req/s | metrics off $(fmt "$off") req/s | $(ratio "$on" "$off") ($(pct "$on" "$off")) | < 2 % fewer | $(under2 "$on" "$off") |"
	echo "| 18c. the same: the server's CPU time a request | $con µs | metrics off $coff µs | $(ratio "$con" "$coff") | — | |"
	share=$(awk -v b="$BARE_NS" -v c="$coff" 'BEGIN { printf "%.2f", b / (c * 1000) * 100 }')
	echo "| 18c. the same: what counting adds to a request alone (\`bench/bare_metrics\`: two clock reads, a counter, a histogram; CPU time, $THREADS threads), against the server's CPU time a request with metrics off | $BARE_NS ns | $coff µs | $share % | < 2 % | $(awk -v v="$share" 'BEGIN { print (v < 2 ? "yes" : "**NO**") }') |"
done
echo "| 18c. a scrape: the server's CPU time for one GET /metrics ($SCRAPE_BYTES bytes), once a second | $SCRAPE_US µs | one core's second | $(awk -v u="$SCRAPE_US" 'BEGIN { printf "%.3f %%", u / 10000 }') | — | |"
echo "| 18c. details (req/s, each run): health off; on; subject off; on — CPU µs a request: health off; on; subject off; on — bare_metrics ns a request: off; on | $(slash $H_OFF); $(slash $H_ON); $(slash $S_OFF); $(slash $S_ON) — $(slash $H_OFF_CPU); $(slash $H_ON_CPU); $(slash $S_OFF_CPU); $(slash $S_ON_CPU) — $(slash $BARE_OFF); $(slash $BARE_ON) | health requests counted by the server with metrics: $(fmt "${SCRAPES:-0}"); load $LOAD_C | | | |"
