-- post_petitions.lua: the wrk script of the write benchmark: every request
-- is a POST /api/v1/petitions of a new, valid petition of the demo district.
--
--   wrk -t2 -c32 -d10s -s bench/post_petitions.lua \
--       -H 'Cookie: sanling_session=TOKEN' -H 'X-CSRF-Token: CSRF' URL -- PREFIX
--
-- The number of each petition is PREFIX, the thread's id and a counter
-- ("W1-2-17"), so that no two requests of a run, nor of two runs with
-- different prefixes, collide.  The thread id is a global of each thread's
-- own Lua state, given by setup() through thread:set() (a local of this
-- file would be the same in every thread: each thread runs the file anew).
-- Answers are counted by status class in each thread; done() prints
-- "2xx N", "non-2xx N" and "2xx/s R", and the first refusals' statuses.
--
-- Not a load generator of anything else: the bodies are fixed in shape.

threads = {}
nthreads = 0

function setup(thread)
	nthreads = nthreads + 1
	thread:set("tid", nthreads)
	table.insert(threads, thread)
end

function init(args)
	prefix = args[1] or "W"
	seq = 0
	ok = 0
	bad = 0
	codes = ""
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
end

local channels = { "visit", "letter", "phone", "online" }
local levels = { "village", "township" }
local categories = { "land", "labour", "law", "construction", "environment", "civil", "other" }

function request()
	seq = seq + 1
	local body = string.format(
		'{"no":"%s-%d-%d","received_on":"2023-08-%02d","channel":"%s","persons":%d,' ..
		'"level":"%s","subject":"E%05d","category":"%s","summary":"bench"}',
		prefix, tid, seq, 1 + seq % 28, channels[1 + seq % 4], 1 + seq % 3,
		levels[1 + seq % 2], 1 + (seq * 7 + tid) % 1726, categories[1 + seq % 7])
	return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
	if status >= 200 and status < 300 then
		ok = ok + 1
	else
		bad = bad + 1
		if bad <= 3 then
			codes = codes .. " " .. status
		end
	end
end

function done(summary, latency, requests)
	local n2, nb, c = 0, 0, ""
	for _, t in ipairs(threads) do
		n2 = n2 + t:get("ok")
		nb = nb + t:get("bad")
		c = c .. t:get("codes")
	end
	io.write(string.format("2xx %d\nnon-2xx %d\n2xx/s %.2f\n", n2, nb,
		n2 / (summary.duration / 1e6)))
	if nb > 0 then
		io.write("refusals:" .. c .. "\n")
	end
end
