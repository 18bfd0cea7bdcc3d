#!/bin/bash
# bench/reports.sh SANLING TMPDIR [RUNS] [COUNTIES]: the month's documents
# (issue 16) against their baselines, each measured in the same invocation,
# runs interleaved, medians of RUNS (default 5).
#
# 14a. Over the API, warm: `sanling serve` on a copy of the demo district
#      (`gen demo --demo-passwords`), logged in as office; warm-up requests
#      of each first, one a server thread (the PDF writer's font setup,
#      200-350 ms, is paid once a thread), then RUNS times each, as
#      curl's time_total: GET /api/v1/reports/monthly?month=2023-08&format=
#      pdf, docx and xlsx, and the bulletin as PDF, against GET
#      /api/v1/figures?through=2023-08 (ratio: document / figures).
#      Targets: PDF < 300 ms, DOCX < 100 ms.  Also the server's CPU time
#      (user + system, /proc/PID/stat) over those requests, a mean per
#      request: what a document costs whatever else the machine runs.
# 14b. The month published, RUNS times on a fresh copy each: the three
#      dimensions certified by petition, safety and police, then POST
#      /api/v1/months/2023-08/publish as office (timed: the publication
#      writes and archives six files, on one of the server's write threads,
#      its first PDF there), then the archived PDF served (checked against
#      the archive's SHA-256) against the figures, each after a warm-up.
# 14c. A province: `gen scale --counties COUNTIES --seed 1` into a fresh
#      database (0 skips it), a province above its districts (imported as
#      regions), its figures made once (not counted); then RUNS times, as
#      whole processes: the province's bulletin (`report bulletin --month
#      2023-01 --region P --format pdf -o FILE`: its districts ranked) and
#      one district D's monthly report (`--district D`) against `figures
#      --through 2023-01`.  Target < 2 s.  Their CPU time (GNU time's user +
#      system) beside.
# 14d. Peak memory of a report as a process on the demo copy: GNU time's %M
#      (VmHWM: every page the process touched, the mapped font files among
#      them) of `report monthly --month 2023-08 --format pdf|docx|xlsx`
#      against `figures --through 2023-08` (RUNS times, medians), and the
#      heap's peak by valgrind's massif (--pages-as-heap=no; ms_print's
#      peak, heap and its overhead) of the PDF and of the figures, with the
#      PDF's largest allocation sites at that peak.  Target < 64 MiB.
#
# Prints the table rows ("| 14a. ..." to "| 14d. ...") on stdout, progress
# on stderr; ends its server and removes its databases at the end.  Needs
# curl, sqlite3, GNU time and valgrind (massif, ms_print).
set -eu
SANLING=$1 T=$2 RUNS=${3:-5} COUNTIES=${4:-100}
THREADS=${BENCH_THREADS:-$(nproc)}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
unset LC_ALL SANLING_FAST_KDF SANLING_DB SANLING_KEY
export LC_NUMERIC=C
. "$ROOT/bench/lib.sh"
mkdir -p "$T"
cleanup() {
	local p
	for p in $BENCH_PIDS; do
		stop_pid "$p"
	done
	rm -f "$T"/demo.db* "$T"/run.db* "$T"/prov.db* "$T"/out.* "$T"/massif.*
}
trap cleanup EXIT
MONTH=2023-08
slash() { echo $* | sed 's/ / \/ /g'; }
mid() { median $1; }
ms1() { awk -v v="$1" 'BEGIN { printf "%.1f", v }'; }
under() { awk -v v="$1" -v t="$2" 'BEGIN { print (v < t ? "yes" : "**NO**") }'; }

# get PATH OUT MAGIC: GET $SRV_URL/PATH as the logged-in user, the body in
# OUT; fails unless 200 and the body begins with MAGIC; sets MS (curl's
# time_total).
get() {
	local code t
	read -r code t < <(curl -s --max-time 60 -o "$2" -w '%{http_code} %{time_total}\n' \
		-H "Cookie: sanling_session=$TOKEN" "$SRV_URL$1") || die "GET $1: curl failed"
	[ "$code" = 200 ] || { head -c 300 "$2" >&2; die "GET $1 answered $code"; }
	[ "$(head -c ${#3} "$2")" = "$3" ] || die "GET $1: the body does not begin with $3"
	MS=$(awk -v s="$t" 'BEGIN { printf "%.1f", s * 1000 }')
}
# post PATH BODY: POST as the logged-in user; fails unless 2xx; sets MS.
post() {
	local code t
	read -r code t < <(curl -s --max-time 120 -o "$T/out.post" -w '%{http_code} %{time_total}\n' \
		-X POST -H "Cookie: sanling_session=$TOKEN" -H "X-CSRF-Token: $CSRF" \
		-H 'Content-Type: application/json' -d "$2" "$SRV_URL$1") || die "POST $1: curl failed"
	case $code in 2??) ;; *) head -c 300 "$T/out.post" >&2; die "POST $1 answered $code" ;; esac
	MS=$(awk -v s="$t" 'BEGIN { printf "%.1f", s * 1000 }')
}
# proc OUT CMD...: CMD as a process, stdout and stderr in OUT; sets MS (wall,
# EPOCHREALTIME), KIB (GNU time's %M) and CPU (user + system, ms).
proc() {
	local out=$1 t0 t1
	shift
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%M %U %S' -o "$out.mem" "$@" >"$out" 2>&1 || { tail -n 5 "$out" >&2; die "$* failed"; }
	t1=$EPOCHREALTIME
	MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
	read -r KIB CPU <<<"$(tail -n 1 "$out.mem" | awk '{ printf "%s %.0f", $1, ($2 + $3) * 1000 }')"
}
# ticks: the server's CPU time so far (user + system, clock ticks)
TICK_MS=$(awk -v h="$(getconf CLK_TCK)" 'BEGIN { print 1000 / h }')
ticks() { awk '{ print $14 + $15 }' "/proc/$SRV_PID/stat"; }
# timed_get VAR PATH OUT MAGIC: get, its time added to the list VAR and the
# server's CPU ticks meanwhile to VAR_TICKS
timed_get() {
	local c0 v=$1_TICKS
	c0=$(ticks)
	get "$2" "$3" "$4"
	printf -v "$1" '%s' "${!1} $MS"
	printf -v "$v" '%s' "$((${!v:-0} + $(ticks) - c0))"
}
# fresh NAME: a copy of the demo database and its key as $T/NAME.db
fresh() {
	rm -f "$T/$1.db" "$T/$1.db-wal" "$T/$1.db-shm"
	cp "$T/demo.db" "$T/$1.db"
	cp "$T/demo.db.key" "$T/$1.db.key"
}

log "reports: the demo district"
"$SANLING" --db "$T/demo.db" init >"$T/out.init" 2>&1 || { cat "$T/out.init" >&2; die "init"; }
"$SANLING" --db "$T/demo.db" gen demo --demo-passwords >"$T/out.gen" 2>&1 ||
	{ tail -n 5 "$T/out.gen" >&2; die "gen demo"; }

# ---- 14a. over the API, warm ----

# serve NAME: the server on $T/run.db, once its start-up jobs (month close,
# cards, ledger: writes that make the figures stale) have had a second
serve() {
	start_sanling "$1" --db "$T/run.db"
	sleep 1
}

fresh run
serve reports
login "$SRV_URL"
Q="month=$MONTH"
U_FIG="/api/v1/figures?through=$MONTH"
U_PDF="/api/v1/reports/monthly?$Q&format=pdf"
U_DOCX="/api/v1/reports/monthly?$Q&format=docx"
U_XLSX="/api/v1/reports/monthly?$Q&format=xlsx"
U_BUL="/api/v1/reports/bulletin?$Q&format=pdf"
for i in $(seq "$THREADS"); do
	for u in "$U_FIG {" "$U_PDF %PDF" "$U_DOCX PK" "$U_XLSX PK" "$U_BUL %PDF"; do
		get "${u% *}" "$T/out.body" "${u##* }"
		log "warm-up ${u% *}: $MS ms"
	done
done
A_FIG="" A_PDF="" A_DOCX="" A_XLSX="" A_BUL=""
for r in $(seq "$RUNS"); do
	timed_get A_FIG "$U_FIG" "$T/out.body" "{"
	timed_get A_PDF "$U_PDF" "$T/out.pdf" "%PDF"
	timed_get A_DOCX "$U_DOCX" "$T/out.body" "PK"
	timed_get A_XLSX "$U_XLSX" "$T/out.body" "PK"
	timed_get A_BUL "$U_BUL" "$T/out.body" "%PDF"
	log "API run $r: figures $(slash ${A_FIG##* }) ms; pdf ${A_PDF##* }, docx ${A_DOCX##* }, xlsx ${A_XLSX##* }, bulletin pdf ${A_BUL##* } ms"
done
PDF_BYTES=$(wc -c <"$T/out.pdf")
read -r API_RSS API_HWM <<<"$(proc_mem "$SRV_PID")"
stop_pid "$SRV_PID"
LOAD_A=$(loadavg)
f=$(mid "$A_FIG")
for k in PDF:monthly:pdf:300 DOCX:monthly:docx:100 XLSX:monthly:xlsx: BUL:bulletin:pdf:; do
	IFS=: read -r v kind fmt target <<<"$k"
	v="A_$v"; m=$(mid "${!v}")
	if [ -n "$target" ]; then t="< $target ms"; ok=$(under "$m" "$target"); else t="—"; ok=""; fi
	echo "| 14a. \`GET /api/v1/reports/$kind?month=$MONTH&format=$fmt\` (office, demo district, warm) | $(ms1 "$m") ms | \`GET /api/v1/figures?through=$MONTH\` $(ms1 "$f") ms | $(ratio "$m" "$f") | $t | $ok |"
done
cpu_ms() { awk -v t="$1" -v m="$TICK_MS" -v n="$RUNS" 'BEGIN { printf "%.0f", t * m / n }'; }
echo "| 14a. the server's CPU time a request (user + system, mean of $RUNS): monthly pdf; docx; xlsx; bulletin pdf | $(cpu_ms "$A_PDF_TICKS"); $(cpu_ms "$A_DOCX_TICKS"); $(cpu_ms "$A_XLSX_TICKS"); $(cpu_ms "$A_BUL_TICKS") ms | figures $(cpu_ms "$A_FIG_TICKS") ms | $(ratio "$(cpu_ms "$A_PDF_TICKS")" "$(cpu_ms "$A_FIG_TICKS")") (pdf) | (PDF < 300 ms, DOCX < 100 ms) | |"
echo "| 14a. details: figures; monthly pdf; docx; xlsx; bulletin pdf (ms, each run) | $(slash $A_FIG); $(slash $A_PDF); $(slash $A_DOCX); $(slash $A_XLSX); $(slash $A_BUL) | PDF $PDF_BYTES bytes; the server afterwards: VmRSS $(kib_to_mib "$API_RSS") MiB, VmHWM $(kib_to_mib "$API_HWM") MiB; load $LOAD_A | | | |"

# ---- 14b. the month published ----

P_PUB="" P_PDF="" P_FIG="" P_HWM=""
for r in $(seq "$RUNS"); do
	fresh run
	serve published
	for who in petition:petition safety:accident police:case; do
		login "$SRV_URL" "${who%:*}"
		post "/api/v1/months/$MONTH/certify" "{\"dimension\":\"${who#*:}\"}"
	done
	login "$SRV_URL"
	post "/api/v1/months/$MONTH/publish" "{}"
	P_PUB="$P_PUB $MS"
	get "/api/v1/reports?month=$MONTH" "$T/out.list" "{"
	n=$(grep -o '"sha256"' "$T/out.list" | wc -l)
	[ "$n" -ge 6 ] || { head -c 600 "$T/out.list" >&2; die "published: $n archived files, not 6"; }
	get "$U_PDF" "$T/out.pdf" "%PDF"
	sum=$(sha256sum "$T/out.pdf" | cut -d' ' -f1)
	grep -q "\"sha256\": *\"$sum\"" "$T/out.list" || die "published: the PDF served is not the archived one"
	get "$U_FIG" "$T/out.body" "{"
	get "$U_PDF" "$T/out.pdf" "%PDF"; P_PDF="$P_PDF $MS"
	get "$U_FIG" "$T/out.body" "{"; P_FIG="$P_FIG $MS"
	read -r rss hwm <<<"$(proc_mem "$SRV_PID")"
	P_HWM="$P_HWM $hwm"
	stop_pid "$SRV_PID"
	log "published run $r: publication $(slash ${P_PUB##* }) ms; archived PDF ${P_PDF##* } ms, figures ${P_FIG##* } ms; server VmHWM $hwm KiB"
done
rm -f "$T"/run.db*
LOAD_B=$(loadavg)
m=$(mid "$P_PDF") f=$(mid "$P_FIG")
echo "| 14b. the month published: the archived PDF served (\`GET /api/v1/reports/monthly?month=$MONTH&format=pdf\`, its SHA-256 the archive's) | $(ms1 "$m") ms | \`GET /api/v1/figures?through=$MONTH\` $(ms1 "$f") ms | $(ratio "$m" "$f") | (≈ a file download) | |"
echo "| 14b. \`POST /api/v1/months/$MONTH/publish\` (the three dimensions certified; six files written and archived, on a write thread: its first PDF, font setup included) | $(ms1 "$(mid "$P_PUB")") ms | — | — | — | |"
echo "| 14b. details: publication; archived PDF; figures (ms, each run, a fresh copy each) | $(slash $P_PUB); $(slash $P_PDF); $(slash $P_FIG) | the server's VmHWM after publishing (KiB): $(slash $P_HWM); load $LOAD_B | | | |"

# ---- 14c. a province ----

if [ "$COUNTIES" -gt 0 ]; then
	rm -f "$T"/prov.db*
	"$SANLING" --db "$T/prov.db" init >"$T/out.pinit" 2>&1 || { cat "$T/out.pinit" >&2; die "init (province)"; }
	t0=$EPOCHREALTIME
	"$SANLING" --db "$T/prov.db" gen scale --counties "$COUNTIES" --seed 1 >"$T/out.pgen" 2>&1 ||
		{ tail -n 5 "$T/out.pgen" >&2; die "gen scale --counties $COUNTIES"; }
	GEN_S=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	D=$(sqlite3 "$T/prov.db" "SELECT code FROM regions WHERE level = 'district' ORDER BY code LIMIT 1")
	ND=$(sqlite3 "$T/prov.db" "SELECT COUNT(*) FROM regions WHERE level = 'district'")
	SIZE=$(du -m "$T/prov.db" | cut -f1)
	# the province above them (what an import of regions makes of it)
	P=490000000000
	printf 'code,name,level,parent\n%s,基准省,province,\n' "$P" >"$T/out.preg.csv"
	sqlite3 "$T/prov.db" "SELECT code || ',' || name || ',district,$P' FROM regions WHERE level = 'district'" |
		sed '1i code,name,level,parent' >"$T/out.pdist.csv"
	for f in preg pdist; do
		"$SANLING" --db "$T/prov.db" import regions "$T/out.$f.csv" >"$T/out.pimp" 2>&1 ||
			{ cat "$T/out.pimp" >&2; die "import regions (province)"; }
	done
	log "province: $ND districts, $SIZE MB, generated in $GEN_S s; its bulletin and the monthly report of $D"
	# the determinations and cells made once, the fonts' caches read: not counted
	proc "$T/out.pfig" "$SANLING" --db "$T/prov.db" figures --through 2023-01
	log "province: first figures --through 2023-01: $MS ms"
	proc "$T/out.prep" "$SANLING" --db "$T/prov.db" report bulletin --month 2023-01 --region "$P" \
		--format pdf -o "$T/out.ppdf"
	C_FIG="" C_BUL="" C_MON="" C_BKIB="" X_FIG="" X_BUL="" X_MON=""
	for r in $(seq "$RUNS"); do
		proc "$T/out.pfig" "$SANLING" --db "$T/prov.db" figures --through 2023-01
		C_FIG="$C_FIG $MS"; X_FIG="$X_FIG $CPU"
		proc "$T/out.prep" "$SANLING" --db "$T/prov.db" report bulletin --month 2023-01 --region "$P" \
			--format pdf -o "$T/out.ppdf"
		C_BUL="$C_BUL $MS"; C_BKIB="$C_BKIB $KIB"; X_BUL="$X_BUL $CPU"
		[ "$(head -c 4 "$T/out.ppdf")" = "%PDF" ] || die "province: the bulletin is not a PDF"
		[ "$(pdftotext "$T/out.ppdf" - | grep -c '县$')" -ge "$ND" ] ||
			die "province: the bulletin does not rank its $ND districts"
		proc "$T/out.prep" "$SANLING" --db "$T/prov.db" report monthly --month 2023-01 --district "$D" \
			--format pdf -o "$T/out.ppdf"
		C_MON="$C_MON $MS"; X_MON="$X_MON $CPU"
		[ "$(head -c 4 "$T/out.ppdf")" = "%PDF" ] || die "province: the monthly report is not a PDF"
		log "province run $r: figures ${C_FIG##* } ms; bulletin pdf ${C_BUL##* } ms; monthly pdf ${C_MON##* } ms"
	done
	rm -f "$T"/prov.db*
	LOAD_C=$(loadavg)
	f=$(mid "$C_FIG")
	m=$(mid "$C_BUL")
	echo "| 14c. \`report bulletin --month 2023-01 --region $P --format pdf\` (process): a province's bulletin, its $ND districts ranked | $(ms1 "$m") ms | \`figures --through 2023-01\` (process, same database) $(ms1 "$f") ms | $(ratio "$m" "$f") | < 2000 ms | $(under "$m" 2000) |"
	m=$(mid "$C_MON")
	echo "| 14c. \`report monthly --month 2023-01 --district $D --format pdf\` (process): a district's report in the same database | $(ms1 "$m") ms | \`figures --through 2023-01\` $(ms1 "$f") ms | $(ratio "$m" "$f") | — | |"
	echo "| 14c. their CPU time (user + system, median): bulletin; monthly | $(mid "$X_BUL"); $(mid "$X_MON") ms | figures $(mid "$X_FIG") ms | $(ratio "$(mid "$X_BUL")" "$(mid "$X_FIG")") (bulletin) | (< 2000 ms) | |"
	echo "| 14c. details: figures; bulletin; monthly (ms, each run); the bulletin's peak RSS (KiB) | $(slash $C_FIG); $(slash $C_BUL); $(slash $C_MON); $(slash $C_BKIB) | \`gen scale --counties $COUNTIES --seed 1\`: $GEN_S s, $SIZE MB; load $LOAD_C | | | |"
fi

# ---- 14d. peak memory of a report ----

fresh run
proc "$T/out.m" "$SANLING" --db "$T/run.db" figures --through "$MONTH"
M_FIG="" M_PDF="" M_DOCX="" M_XLSX=""
for r in $(seq "$RUNS"); do
	proc "$T/out.m" "$SANLING" --db "$T/run.db" figures --through "$MONTH"; M_FIG="$M_FIG $KIB"
	for fmt in pdf docx xlsx; do
		proc "$T/out.m" "$SANLING" --db "$T/run.db" report monthly --month "$MONTH" --format "$fmt" \
			-o "$T/out.doc.$fmt"
		v="M_${fmt^^}"; printf -v "$v" '%s' "${!v} $KIB"
	done
	log "memory run $r: VmHWM figures ${M_FIG##* }, pdf ${M_PDF##* }, docx ${M_DOCX##* }, xlsx ${M_XLSX##* } KiB"
done
# massif_peak OUT CMD...: the heap's peak (bytes: heap + its overhead, the
# figure ms_print draws) of CMD under massif; its report in OUT.ms.
massif_peak() {
	local out=$1
	shift
	valgrind --tool=massif --pages-as-heap=no --massif-out-file="$out" "$@" >"$out.log" 2>&1 ||
		{ tail -n 5 "$out.log" >&2; die "massif: $* failed"; }
	ms_print "$out" >"$out.ms"
	PEAK=$(awk -F= '$1 == "mem_heap_B" { h = $2 } $1 == "mem_heap_extra_B" { if (h + $2 > p) p = h + $2 }
		END { print p }' "$out")
}
massif_peak "$T/massif.fig" "$SANLING" --db "$T/run.db" figures --through "$MONTH"
H_FIG=$PEAK
massif_peak "$T/massif.pdf" "$SANLING" --db "$T/run.db" report monthly --month "$MONTH" --format pdf \
	-o "$T/out.doc.pdf"
H_PDF=$PEAK
# the PDF's largest sites at the peak: each top entry of the peak snapshot's
# tree, named by the first named function of its stack
pk=$(grep -o '[0-9]* (peak)' "$T/massif.pdf.ms" | cut -d' ' -f1)
SITES=$(awk -v p="$pk" '
	function flush() { if (site != "") print bytes "\t" site; site = "" }
	$1 == p && NF == 6 && $2 ~ /^[0-9,]+$/ { on = 1; next }
	on && /^-----/ { on = 0 }
	on && /^->/ {
		flush(); named = 0
		match($0, /\([0-9,]+B\)/); bytes = substr($0, RSTART + 1, RLENGTH - 3); gsub(",", "", bytes)
		if ($0 ~ / places, /) { site = "below the threshold"; named = 1 }
	}
	on && !named && /: [A-Za-z_][A-Za-z0-9_]* \(/ && !/\?\?\?/ {
		s = $0; sub(/.*: /, "", s); sub(/ \(.*/, "", s); site = s; named = 1
	}
	END { flush() }' "$T/massif.pdf.ms" | sort -t"$(printf '\t')" -k1,1nr | head -n 4 |
	awk -F'\t' '{ printf "%s%s %.1f MiB", (NR > 1 ? ", " : ""), $2, $1 / 1048576 }')
LOAD_D=$(loadavg)
mf=$(mid "$M_FIG")
for fmt in PDF DOCX XLSX; do
	v="M_$fmt"; m=$(mid "${!v}")
	echo "| 14d. peak memory of \`report monthly --month $MONTH --format ${fmt,,}\` (process, demo district): VmHWM (GNU time %M; the mapped font files included) | $(kib_to_mib "$m") MiB | \`figures --through $MONTH\` $(kib_to_mib "$mf") MiB | $(ratio "$m" "$mf") | < 64 MiB | $(under "$m" 65536) |"
done
echo "| 14d. the same for the PDF: the heap's peak (massif, --pages-as-heap=no; ms_print's peak, heap and overhead) | $(awk -v b="$H_PDF" 'BEGIN { printf "%.1f", b / 1048576 }') MiB | \`figures --through $MONTH\` $(awk -v b="$H_FIG" 'BEGIN { printf "%.1f", b / 1048576 }') MiB | $(ratio "$H_PDF" "$H_FIG") | < 64 MiB | $(under "$H_PDF" 67108864) |"
echo "| 14d. details: VmHWM (KiB, each run) figures; pdf; docx; xlsx | $(slash $M_FIG); $(slash $M_PDF); $(slash $M_DOCX); $(slash $M_XLSX) | the PDF's largest heap sites at its peak: $SITES; load $LOAD_D | | | |"
