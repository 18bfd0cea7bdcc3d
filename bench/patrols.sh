#!/bin/bash
# bench/patrols.sh SANLING TMPDIR [DISTRICTS] [IMPORT_DISTRICTS] [RUNS]: the
# grassroots' benchmarks of issue 15 on SQLite, each beside its baseline
# measured in the same invocation, runs interleaved, medians.
#
# 12a. Import: `gen scale --counties IMPORT_DISTRICTS --patrols 2025
#      --patrols-csv` writes the districts (600 grids each) into a fresh
#      database and a year of their patrols (2 a day a grid, 3 % of the
#      slots missed) into a CSV of the patrols template.  On a copy of that
#      database each run, `sanling import patrols FILE` (the real importer:
#      every row validated, placed by its grid, scope, the one-patrol-a-slot
#      check, the audit row) against bench/out/bare_insert --table patrols on
#      another copy: one prepared INSERT of the CSV's cells (and the district
#      cut from the grid's code) per row, in one transaction, WAL,
#      synchronous=FULL, foreign keys ON.  Both timed as whole processes
#      (GNU time's %e, reading the CSV included).  Target >= 0.3x.
# 12b. The grid-day rate: `gen scale --counties DISTRICTS --patrols 2025`
#      loads the province (DISTRICTS x 600 grids x 365 days x 2 slots, less
#      the misses), its determinations and cells are made once (not
#      counted); then, RUNS times each, interleaved: `sanling figures
#      --through 2025-12 --json` (every figure of the province through
#      December, the patrol figures among them; the whole process) against
#      bench/out/bare_groupby --patrols (its whole process: SELECT grid,
#      patrolled_on, COUNT(DISTINCT slot) FROM patrols WHERE patrolled_on
#      BETWEEN 2025-01-01 AND 2025-12-31 GROUP BY grid, patrolled_on, every
#      row stepped).  The rate sanling gives is checked against the one the
#      baseline's groups give.  Target <= 2x.
#
# 12b′. With PATROL_PG (a PostgreSQL server's URL, e.g. of scripts/pgtmp.sh):
#      the same on a database made there for the run (PATROL_PG_DISTRICTS,
#      default DISTRICTS), against psql running the same GROUP BY (its
#      whole process).
#
# Prints the table rows ("| 12a. ..." and "| 12b. ...") on stdout, the
# details on stderr; removes its databases and the CSV at the end.  The
# full size of issue 15 is DISTRICTS=100 (about 42.5 million patrols, some
# 15 GB); bench/run uses less by default (BENCH_PATROL_DISTRICTS).
set -eu
BIN=$1 T=$2 DISTRICTS=${3:-10} IMPORT_DISTRICTS=${4:-1} RUNS=${5:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BARE=$ROOT/bench/out/bare_insert
GROUPBY=$ROOT/bench/out/bare_groupby
unset LC_ALL
export LC_NUMERIC=C
mkdir -p "$T" "$ROOT/bench/out"
trap 'rm -f "$T"/imp*.db* "$T"/bare*.db* "$T"/imp.csv "$T"/prov.db*' EXIT
for src in bare_insert bare_groupby; do
	cc -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$ROOT/bench/out/$src" \
		"$ROOT/bench/$src.c" $(pkg-config --cflags --libs sqlite3)
done
log() { echo "patrols: $*" >&2; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
slash() { echo $* | sed 's/ / \/ /g'; }
# timed OUT CMD...: CMD's stdout in OUT; sets SECS (wall) and KIB (peak RSS)
timed() {
	local out=$1
	shift
	/usr/bin/time -f '%e %M' -o "$T/time.txt" "$@" >"$out"
	read -r SECS KIB <"$T/time.txt"
}
# ms CMD...: EPOCHREALTIME around the whole process (stdout in $T/ms.out); sets MS
ms() {
	local t0=$EPOCHREALTIME t1
	"$@" >"$T/ms.out"
	t1=$EPOCHREALTIME
	MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
}

# ---- 12a. import (IMPORT_DISTRICTS 0: not run) ----

if [ "$IMPORT_DISTRICTS" -gt 0 ]; then
	rm -f "$T"/imp.db*
	"$BIN" --db "$T/imp.db" --key "$T/imp.key" init >/dev/null
	"$BIN" --db "$T/imp.db" --key "$T/imp.key" gen scale --counties "$IMPORT_DISTRICTS" --seed 1 \
		--patrols 2025 --patrols-csv "$T/imp.csv" >"$T/impgen.log"
	ROWS=$(($(wc -l <"$T/imp.csv") - 1))
	log "import: $IMPORT_DISTRICTS district(s), $ROWS patrols in $(du -m "$T/imp.csv" | cut -f1) MB of CSV"
	SAN="" SANR="" SANK="" BR="" BS=""
	for r in $(seq "$RUNS"); do
		cp "$T/imp.db" "$T/imprun.db"
		timed "$T/import.out" "$BIN" --db "$T/imprun.db" --key "$T/imp.key" import patrols "$T/imp.csv"
		grep -q "^$ROWS rows: $ROWS created" "$T/import.out" ||
			{ cat "$T/import.out" >&2; echo "import: not every row created" >&2; exit 1; }
		SAN="$SAN $SECS"; SANK="$SANK $KIB"
		SANR="$SANR $(awk -v n="$ROWS" -v s="$SECS" 'BEGIN { printf "%.0f", n / s }')"
		rm -f "$T"/imprun.db*
		cp "$T/imp.db" "$T/bare.db"
		timed "$T/bare.out" "$BARE" --table patrols "$T/bare.db" "$T/imp.csv"
		BS="$BS $SECS"
		BR="$BR $(awk -v n="$ROWS" -v s="$SECS" 'BEGIN { printf "%.0f", n / s }')"
		rm -f "$T"/bare.db*
		log "import run $r: sanling $(echo $SAN | awk '{print $NF}') s, bare $SECS s ($(cat "$T/bare.out"))"
	done
	sr=$(echo $SANR | tr ' ' '\n' | median) br=$(echo $BR | tr ' ' '\n' | median)
	echo "| 12a. \`sanling import patrols\`, $ROWS rows ($IMPORT_DISTRICTS district(s) × 600 grids × 365 days × 2, less 3 % missed) | $(printf "%'d" "$sr") rows/s | bare_insert --table patrols $(printf "%'d" "$br") rows/s | $(awk -v a="$sr" -v b="$br" 'BEGIN { printf "%.2f", a / b }') | ≥ 0.3 | $(awk -v a="$sr" -v b="$br" 'BEGIN { print (a / b >= 0.3 ? "yes" : "**NO**") }') |"
	echo "| 12a. details: import seconds; rows/s; peak RSS KiB | $(slash $SAN); $(slash $SANR); $(slash $SANK) | bare_insert seconds; rows/s: $(slash $BS); $(slash $BR) | | | |"
	rm -f "$T"/imp.db* "$T/imp.key" "$T/imp.csv"
fi

# ---- 12b. the grid-day rate of the province (DISTRICTS 0: not run on SQLite) ----

if [ "$DISTRICTS" -gt 0 ]; then
	rm -f "$T"/prov.db*
	"$BIN" --db "$T/prov.db" --key "$T/prov.key" init >/dev/null
	timed "$T/provgen.log" "$BIN" --db "$T/prov.db" --key "$T/prov.key" gen scale \
		--counties "$DISTRICTS" --seed 1 --patrols 2025
	GEN_SECS=$SECS
	PATROLS=$(awk '$1 == "patrols" { print $2 }' "$T/provgen.log")
	SIZE=$(du -m "$T/prov.db" | cut -f1)
	log "province: $DISTRICTS districts, $PATROLS patrols, $SIZE MB, generated in $GEN_SECS s"
	# the determinations and cells of 2025 once (what any first read does), not counted
	"$BIN" --db "$T/prov.db" --key "$T/prov.key" determine --through 2025-12 >/dev/null
	ms "$BIN" --db "$T/prov.db" --key "$T/prov.key" figures --through 2025-12 --json
	log "first figures --through 2025-12 (cells made): $MS ms"
	"$GROUPBY" --patrols "$T/prov.db" 2025-01-01 2025-12-31 >/dev/null
	log "the baseline's plan: $(sqlite3 "$T/prov.db" "EXPLAIN QUERY PLAN SELECT grid, patrolled_on, COUNT(DISTINCT slot) FROM patrols WHERE patrolled_on BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY grid, patrolled_on" | tr '\n' ' ')"
	FIG="" GB="" GBQ=""
	for r in $(seq "$RUNS"); do
		ms "$BIN" --db "$T/prov.db" --key "$T/prov.key" figures --through 2025-12 --json
		FIG="$FIG $MS"
		cp "$T/ms.out" "$T/fig.json"
		ms "$GROUPBY" --patrols "$T/prov.db" 2025-01-01 2025-12-31
		GB="$GB $MS"
		GBQ="$GBQ $(awk '$1 == "total" { print $2 }' "$T/ms.out")"
		log "rate run $r: figures $(echo $FIG | awk '{print $NF}') ms, bare GROUP BY $MS ms (its query $(echo $GBQ | awk '{print $NF}') ms)"
	done
	rate=$(grep -o '"patrol_compliance_rate":[0-9.]*' "$T/fig.json" | cut -d: -f2)
	counted=$(grep -o '"patrols":[0-9]*' "$T/fig.json" | cut -d: -f2)
	complete=$(awk '$1 == "patrols" { print $4 }' "$T/ms.out")
	grids=$((DISTRICTS * 600))
	want=$(awk -v c="$complete" -v g="$grids" 'BEGIN { printf "%.1f", int(c * 1000 / (g * 365) + 0.5) / 10 }')
	[ "$rate" = "$want" ] && [ "$counted" = "$PATROLS" ] ||
		{ echo "the rate: sanling $rate of $counted patrols; the baseline's groups give $want of $PATROLS" >&2; exit 1; }
	f=$(echo $FIG | tr ' ' '\n' | median) g=$(echo $GB | tr ' ' '\n' | median)
	echo "| 12b. \`sanling figures --through 2025-12\` (whole process, every figure), province of $DISTRICTS districts: $PATROLS patrols, $grids grids, rate $rate % | $f ms | bare GROUP BY grid, patrolled_on (whole process) $g ms | $(awk -v a="$f" -v b="$g" 'BEGIN { printf "%.2f", a / b }') | ≤ 2 | $(awk -v a="$f" -v b="$g" 'BEGIN { print (a / b <= 2 ? "yes" : "**NO**") }') |"
	echo "| 12b. details: figures ms; bare process ms; bare query alone ms | $(slash $FIG); $(slash $GB); $(slash $GBQ) | generated in $GEN_SECS s, $SIZE MB | | | |"
	rm -f "$T"/prov.db* "$T/prov.key"
fi

# ---- 12b′. the same on PostgreSQL (PATROL_PG: a server's URL; PATROL_PG_DISTRICTS) ----

if [ -n "${PATROL_PG:-}" ]; then
	PGD=${PATROL_PG_DISTRICTS:-$DISTRICTS}
	[ "$PGD" -gt 0 ] || { echo "PATROL_PG_DISTRICTS: none" >&2; exit 2; }
	PSQL=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n | tail -n 1)/psql
	[ -x "$PSQL" ] || PSQL=psql
	name=patrols_$$
	"$PSQL" "$PATROL_PG" -X -qAt -c "CREATE DATABASE $name" >/dev/null
	PGDB=$(echo "$PATROL_PG" | sed "s|/[^/?]*\(?.*\)\{0,1\}$|/$name\1|")
	trap 'rm -f "$T"/imp*.db* "$T"/bare*.db* "$T"/imp.csv "$T"/prov.db*; "$PSQL" "$PATROL_PG" -X -qAt -c "DROP DATABASE IF EXISTS '"$name"' WITH (FORCE)" >/dev/null 2>&1' EXIT
	"$BIN" --db "$PGDB" --key "$T/pg.key" init >/dev/null
	timed "$T/pggen.log" "$BIN" --db "$PGDB" --key "$T/pg.key" gen scale --counties "$PGD" --seed 1 \
		--patrols 2025
	PG_GEN=$SECS
	PG_PATROLS=$(awk '$1 == "patrols" { print $2 }' "$T/pggen.log")
	"$PSQL" "$PGDB" -X -qAt -c "VACUUM ANALYZE patrols" >/dev/null
	"$BIN" --db "$PGDB" --key "$T/pg.key" determine --through 2025-12 >/dev/null
	ms "$BIN" --db "$PGDB" --key "$T/pg.key" figures --through 2025-12 --json
	log "PostgreSQL: $PGD districts, $PG_PATROLS patrols generated in $PG_GEN s; first figures $MS ms"
	PGQ="SELECT COUNT(*), SUM(CASE WHEN n = 2 THEN 1 ELSE 0 END) FROM (SELECT grid, patrolled_on, COUNT(DISTINCT slot) n FROM patrols WHERE patrolled_on BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY grid, patrolled_on) x"
	"$PSQL" "$PGDB" -X -qAt -c "$PGQ" >/dev/null
	PFIG="" PGB=""
	for r in $(seq "$RUNS"); do
		ms "$BIN" --db "$PGDB" --key "$T/pg.key" figures --through 2025-12 --json
		PFIG="$PFIG $MS"
		cp "$T/ms.out" "$T/pgfig.json"
		ms "$PSQL" "$PGDB" -X -qAt -c "$PGQ"
		PGB="$PGB $MS"
		log "PostgreSQL rate run $r: figures $(echo $PFIG | awk '{print $NF}') ms, bare GROUP BY (psql) $MS ms"
	done
	rate=$(grep -o '"patrol_compliance_rate":[0-9.]*' "$T/pgfig.json" | cut -d: -f2)
	complete=$(cut -d'|' -f2 "$T/ms.out")
	want=$(awk -v c="$complete" -v g="$((PGD * 600))" 'BEGIN { printf "%.1f", int(c * 1000 / (g * 365) + 0.5) / 10 }')
	[ "$rate" = "$want" ] || { echo "PostgreSQL: the rate $rate, the baseline's groups give $want" >&2; exit 1; }
	f=$(echo $PFIG | tr ' ' '\n' | median) g=$(echo $PGB | tr ' ' '\n' | median)
	echo "| 12b′. the same on PostgreSQL, $PGD districts: $PG_PATROLS patrols, rate $rate % | $f ms | bare GROUP BY grid, patrolled_on (psql, whole process) $g ms | $(awk -v a="$f" -v b="$g" 'BEGIN { printf "%.2f", a / b }') | ≤ 2 | $(awk -v a="$f" -v b="$g" 'BEGIN { print (a / b <= 2 ? "yes" : "**NO**") }') |"
	echo "| 12b′. details: figures ms; bare (psql) ms | $(slash $PFIG); $(slash $PGB) | generated in $PG_GEN s (COPY) | | | |"
fi
