# gen_subjects.awk: N valid rows of the subjects import template for the
# demo district (`sanling gen demo`), for the import benchmark.
#
#   awk -v n=1000000 -f bench/gen_subjects.awk > big.csv
#   awk -v n=1000 -v prefix=T -f bench/gen_subjects.awk > small.csv
#
# Every row passes the importer's checks against a freshly loaded demo
# district: a new code (prefix, default "B", and 7 digits, never one of the
# demo's C.../E.../X... codes), an enterprise or institution category that
# fits its kind, a township, village and grid of the demo's regions that
# belong together, no supervisor (the sector map gives it), a mobile number,
# a unified social credit code with its check digit, and active_from
# 2023-01.  No cell holds a comma or a quote, so bench/bare_insert's plain
# comma split reads the same file.  Deterministic: the same n gives the
# same file, byte for byte (a Park-Miller generator, exact in any awk's
# doubles).
#
# Not a copy of the demo's own generator: the village codes follow the same
# rule as src/cli/demo_data.c (35 communities in the towns' seats, then
# villages spread over the 20 townships in turn, numbered 001.. per
# township, each with one grid <village>01), but the names and numbers are
# this file's own.  If demo_data.c changes that rule, the 1,000-row check
# in bench/run fails loudly.

function rnd(m) {
	seed = (seed * 16807) % 2147483647
	return seed % m
}

function credit_code(inst,    code, i, sum, c, chk) {
	code = (inst ? "12" : "91") "411603"
	for (i = 8; i < 17; i++)
		code = code substr(CC, 1 + rnd(i == 16 ? 10 : 31), 1)
	sum = 0
	for (i = 0; i < 17; i++) {
		c = substr(code, i + 1, 1)
		sum += CV[c] * W[i]
	}
	chk = 31 - sum % 31
	if (chk == 31)
		chk = 0
	return code substr(CC, chk + 1, 1)
}

BEGIN {
	if (n == "")
		n = 1000
	if (prefix == "")
		prefix = "B"
	seed = 20230101

	# townships 411603100000 .. 411603119000, with their names
	split("城关回族镇 白楼镇 临蔡镇 安岭镇 朱集镇 豆门乡 冯塘乡 刘振屯乡 王店乡 " \
	      "大连乡 葛店乡 黄集乡 齐老乡 郑集乡 曹河乡 四通镇 新站镇 鲁台镇 许湾乡 " \
	      "刘庄店镇", TNAME, " ")
	NT = 20
	NV = 475
	NCOMM = 35
	for (t = 0; t < NT; t++)
		used[t] = 0
	for (v = 0; v < NV; v++) {
		if (v < NCOMM)
			t = v < 20 ? 0 : v % 4 == 0 ? 15 : v % 4 == 1 ? 16 : v % 4 == 2 ? 2 : 1
		else
			t = (v - NCOMM) % NT
		used[t]++
		VT[v] = t
		VCODE[v] = sprintf("411603%03d%03d", 100 + t, used[t])
	}

	# categories with their kind and a word for the name, weighted
	np = split("school:institution:中学:6 kindergarten:enterprise:幼儿园:5 " \
		   "hospital:institution:诊所:2 market:enterprise:农贸市场:2 " \
		   "scenic_spot:enterprise:景区:1 entertainment:enterprise:歌舞厅:2 " \
		   "internet_cafe:enterprise:网吧:2 mall:enterprise:超市:2 " \
		   "station:enterprise:货运站:1 pharmacy:enterprise:药房:6 " \
		   "restaurant:enterprise:餐馆:12 factory:enterprise:制造厂:5 " \
		   "mine:enterprise:采石场:1 research:institution:研究所:1 " \
		   "other:enterprise:服务部:2", P, " ")
	nw = 0
	for (i = 1; i <= np; i++) {
		split(P[i], f, ":")
		for (k = 0; k < f[4]; k++) {
			CAT[nw] = f[1]
			KIND[nw] = f[2]
			WORD[nw] = f[3]
			nw++
		}
	}

	ns = split("赵 钱 孙 李 周 吴 郑 王 冯 陈 褚 卫 蒋 沈 韩 杨 朱 秦 尤 许 " \
		   "何 吕 施 张 孔 曹 严 华 金 魏 陶 姜", SUR, " ")
	nr = split("解放路 建设路 文化路 人民路 中山路 新华路 育才路 和平路", ROAD, " ")
	split("138 139 135 137 150 151 158 186 187 176 133 153 189 199 177 181", PRE, " ")

	CC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for (i = 0; i < 31; i++)
		CV[substr(CC, i + 1, 1)] = i
	split("1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28", w, " ")
	for (i = 0; i < 17; i++)
		W[i] = w[i + 1]

	print "code,name,kind,category,township,village,grid,supervisor,address," \
	      "contact_name,contact_phone,credit_code,active_from,active_to"
	for (r = 1; r <= n; r++) {
		v = rnd(NV)
		t = VT[v]
		c = rnd(nw)
		printf "%s%07d,淮阳区%s%s%s%d,%s,%s,411603%03d000,%s,%s01,,%s%s%d号,%s%s,%s%04d%04d,%s,2023-01,\n",
		       prefix, r, TNAME[t + 1], SUR[1 + rnd(ns)], WORD[c], r,
		       KIND[c], CAT[c], 100 + t, VCODE[v], VCODE[v],
		       TNAME[t + 1], ROAD[1 + rnd(nr)], 1 + rnd(300),
		       SUR[1 + rnd(ns)], (KIND[c] == "institution" ? "负责人" : "经理"),
		       PRE[1 + rnd(16)], rnd(10000), rnd(10000),
		       credit_code(KIND[c] == "institution")
	}
}
