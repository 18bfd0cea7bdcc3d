# gen_petitions.awk: N valid rows of the petitions import template for the
# demo district (`sanling gen demo`), for the petition import benchmark and
# for the bodies of the POST benchmark's first rows.
#
#   sqlite3 -csv demo.db "SELECT code, township FROM subjects
#       WHERE active_to IS NULL ORDER BY code" > subjects.map
#   awk -v n=1000000 -f bench/gen_petitions.awk subjects.map > petitions.csv
#   awk -v n=1000 -v prefix=BQ -f bench/gen_petitions.awk subjects.map > small.csv
#
# The input is the demo's list of subjects with their townships (the 475
# C<village code> villages and communities and the enterprises and
# institutions E00001..E01726 still on the list), one "code,township" a
# line: the enterprises' townships are drawn by the demo's own generator
# (src/cli/demo_data.c), so they are read from the demo database rather
# than guessed here.
#
# Every row passes the importer's checks against a freshly loaded demo
# district: a new number (prefix, default "BP", and 7 digits; the demo's are
# XF<year>-<n>), received_on in 2023-01..2023-08, channel visit / letter /
# phone / online, persons 1-3, level mostly village or township (a few
# county), one of the demo's subjects with its own township (1 row in 20
# has no subject, only a township), a category of DOMAIN.md, a summary, and
# status registered or resolved with resolved_on on or after received_on.
# No cell holds a comma or a quote, so bench/bare_insert's plain comma split
# reads the same file.  Deterministic: the same n and map give the same
# file, byte for byte (a Park-Miller generator, exact in any awk's doubles).
#
# Not the demo's petitions: no petitioners (personal data), no handling
# department, no link to an earlier petition.

function rnd(m) {
	seed = (seed * 16807) % 2147483647
	return seed % m
}

# day-of-year (1-based, 2023) to YYYY-MM-DD; past December stays in December
function date_of(doy,    m) {
	for (m = 1; m < 12 && doy > ML[m]; m++)
		doy -= ML[m]
	if (doy > ML[m])
		doy = ML[m]
	return sprintf("2023-%02d-%02d", m, doy)
}

BEGIN {
	FS = ","
	ns = 0
}

# the map: code,township (sqlite3 -csv quotes nothing here: codes only)
NF >= 2 && $1 != "code" {
	SCODE[ns] = $1
	STOWN[ns] = $2
	ns++
}

END {
	if (ns == 0) {
		print "gen_petitions.awk: no subjects in the map" > "/dev/stderr"
		exit 1
	}
	if (n == "")
		n = 1000
	if (prefix == "")
		prefix = "BP"
	seed = 20230815

	split("31 28 31 30 31 30 31 31 30 31 30 31", ML, " ")
	# first day-of-year of each month
	FIRST[1] = 1
	for (m = 2; m <= 12; m++)
		FIRST[m] = FIRST[m - 1] + ML[m - 1]

	# weighted pools: channel, level, category (with a summary word)
	nc = 0
	split("visit:8 letter:3 phone:4 online:5", P, " ")
	for (i = 1; i <= 4; i++) {
		split(P[i], f, ":")
		for (k = 0; k < f[2]; k++)
			CHAN[nc++] = f[1]
	}
	nl = 0
	split("village:11 township:8 county:1", P, " ")
	for (i = 1; i <= 3; i++) {
		split(P[i], f, ":")
		for (k = 0; k < f[2]; k++)
			LEVEL[nl++] = f[1]
	}
	ncat = split("land:土地征收补偿 labour:拖欠工资 law:民事判决执行 " \
		     "construction:道路排水 environment:养殖污染 civil:低保认定 other:网络信号", C, " ")
	for (i = 1; i <= ncat; i++) {
		split(C[i], f, ":")
		CAT[i - 1] = f[1]
		WORD[i - 1] = f[2]
	}

	print "no,received_on,channel,persons,level,subject,township,category,summary,status,resolved_on"
	for (r = 1; r <= n; r++) {
		mon = 1 + rnd(8)
		doy = FIRST[mon] + rnd(ML[mon])
		s = rnd(ns)
		c = rnd(ncat)
		subject = rnd(20) == 0 ? "" : SCODE[s]
		if (rnd(2)) {
			status = "resolved"
			resolved = date_of(doy + rnd(30))
		} else {
			status = "registered"
			resolved = ""
		}
		printf "%s%07d,%s,%s,%d,%s,%s,%s,%s,反映%s问题（第%d件）,%s,%s\n",
		       prefix, r, date_of(doy), CHAN[rnd(nc)], 1 + rnd(3), LEVEL[rnd(nl)],
		       subject, STOWN[s], CAT[c], WORD[c], r, status, resolved
	}
}
