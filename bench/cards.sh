#!/bin/bash
# bench/cards.sh SANLING TMPDIR [N] [RUNS]: the scheduler's nightly card pass
# of 督办 (issue 14) against its baseline, on SQLite.
#
# N open supervisions (default 100000: half tasks, half problems) are written
# straight into a fresh database (their dates spread over the 60 days before
# "today", a third of them already carded), copied RUNS times, and on each
# copy either `sanling work cards --today T` runs (the pass as the scheduler
# runs it: the counts, the to-do versions, the one UPDATE of the three card
# rules, the audit row, the commit — timed by sanling itself, without the
# process's start-up) or the baseline: a bare UPDATE by sqlite3 (its own
# .timer) of the same rows — the open ones past due — writing the columns
# the pass writes (card, the three dates, updated_at, rev) with no rules,
# no counts, no audit; and, for scale, one writing the card alone.  Prints
# a markdown table: the medians in ms and the ratios (target: the pass
# within 2x the bare UPDATE).
set -eu
BIN=$1 T=$2 N=${3:-100000} RUNS=${4:-3}
TODAY=2026-06-30
mkdir -p "$T"
DB=$T/cards.db KEY=$T/cards.key
rm -f "$DB" "$KEY"
SANLING_FAST_KDF=1 "$BIN" --db "$DB" --key "$KEY" init >/dev/null
sqlite3 "$DB" >/dev/null <<EOF
PRAGMA journal_mode=WAL;
INSERT INTO regions (code, name, level, parent, district, township, active, created_at, updated_at)
	VALUES ('990000000000', '基准区', 'district', NULL, '990000000000', NULL, 1, 0, 0);
INSERT INTO departments (code, name, roles, region, district, created_at, updated_at)
	VALUES ('BJ', '基准单位', 'supervisor', '990000000000', '990000000000', 0, 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO supervisions (no, item_kind, item, level, notice_on, workdays, due_on, owner,
	district, status, card, yellow_on, red_from, reminded_on, created_at, updated_at)
SELECT printf('DB%07d', i), CASE i % 2 WHEN 0 THEN 'task' ELSE 'problem' END,
	printf('X%07d', i), 'office', date('$TODAY', printf('-%d days', 60 - i % 30)), 10,
	date('$TODAY', printf('%+d days', i % 60 - 50)), 'BJ', '990000000000',
	CASE i % 5 WHEN 0 THEN 'answered' ELSE 'issued' END,
	CASE WHEN i % 3 = 0 THEN 'yellow' ELSE 'none' END,
	CASE WHEN i % 3 = 0 THEN date('$TODAY', '-20 days') END,
	date('$TODAY', printf('%+d days', i % 60 - 43)),
	CASE WHEN i % 3 = 0 THEN date('$TODAY', '-19 days') END, 0, 0
FROM n;
PRAGMA wal_checkpoint(TRUNCATE);
EOF
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
PASS="" BARE="" MIN=""
bare() { # DB SET: the bare UPDATE of the past-due open rows, its time by sqlite3 (ms)
	sqlite3 "$1" <<EOF | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | awk '{ printf "%.1f", $1 * 1000 }'
PRAGMA synchronous=FULL;
.timer on
UPDATE supervisions SET $2 WHERE status <> 'closed' AND due_on < '$TODAY';
EOF
}
for r in $(seq "$RUNS"); do
	cp "$DB" "$T/pass.db"; cp "$DB" "$T/bare.db"; cp "$DB" "$T/min.db"
	SANLING_FAST_KDF=1 "$BIN" --db "$T/pass.db" --key "$KEY" work cards --today "$TODAY" >"$T/pass.out"
	PASS="$PASS $(sed -n 's/.*（\([0-9]*\) ms）$/\1/p' "$T/pass.out")"
	BARE="$BARE $(bare "$T/bare.db" "card = 'red', yellow_on = '$TODAY', red_on = '$TODAY', reminded_on = '$TODAY', updated_at = 1, rev = rev + 1")"
	MIN="$MIN $(bare "$T/min.db" "card = 'yellow'")"
done
rows=$(sqlite3 "$T/cards.db" "SELECT COUNT(*) FROM supervisions WHERE status <> 'closed' AND due_on < '$TODAY'")
p=$(echo $PASS | tr ' ' '\n' | median) b=$(echo $BARE | tr ' ' '\n' | median) m=$(echo $MIN | tr ' ' '\n' | median)
echo "| 11. card pass, $N open supervisions ($rows past due): \`sanling work cards\` (ms) | $(echo $PASS | sed 's/ / \/ /g') | median $p |"
echo "| 11. bare UPDATE of the same rows, the same columns, no rules (ms) | $(echo $BARE | sed 's/ / \/ /g') | median $b |"
echo "| 11. ratio pass / bare (target ≤ 2) | $(awk -v a="$p" -v b="$b" 'BEGIN { printf "%.2f", a / b }') | |"
echo "| 11. bare UPDATE of the same rows, one column (card) (ms) | $(echo $MIN | sed 's/ / \/ /g') | median $m; the pass $(awk -v a="$p" -v b="$m" 'BEGIN { printf "%.2f", a / b }')× |"
echo "the pass: $(cat "$T/pass.out")" >&2
