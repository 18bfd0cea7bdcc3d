# Sanling build.  `make` builds build/sanling; `make check` runs every test;
# `make demo` loads and serves the demo district.  See README.md.
#
#   make SANITIZE=address,undefined   build with sanitizers (into build-san/)
#   make DEBUG=1                      no optimisation

CC ?= cc
PKGS := libmicrohttpd jansson sqlite3 libpq libsodium xlsxwriter libzip libxml-2.0
OPT := -O2
ifdef DEBUG
OPT := -O0
endif
BUILD := build
ifdef SANITIZE
BUILD := build-san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS ?= $(OPT) -g
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
	-Wshadow -Wstrict-prototypes -Wmissing-prototypes -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) $(SANFLAGS) -MMD -MP
LDLIBS += $(PKG_LIBS) -lcsv -lpthread -lm
LDFLAGS += $(SANFLAGS)

SRCS := $(shell find src -name '*.c' | sort)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
MIGRATIONS := $(sort $(wildcard src/db/migrations/*.sql))
# the lists of common passwords and words that new passwords may not be
# (src/base/pwcheck.c): two from Debian packages (john-data, cracklib-runtime;
# scripts/deps.sh installs them) and the project's own
WORDLISTS := /usr/share/john/password.lst /usr/share/dict/cracklib-small src/base/passwords.txt
GEN_SRCS := $(BUILD)/gen/migrations.c $(BUILD)/gen/wordlists.c
OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/migrations.o $(BUILD)/obj/gen/wordlists.o
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

all: $(BUILD)/sanling $(UNIT_BINS) web

# The browser application (Vue 3 + Element Plus + ECharts, built by Vite into
# web/dist); its npm packages come from web/package-lock.json (make deps).
WEB_SRCS := $(shell find web/src web/public -type f 2>/dev/null) web/index.html \
	web/vite.config.js web/package.json web/package-lock.json
web: web/dist/index.html
web/dist/index.html: $(WEB_SRCS)
	cd web && npm run build --silent

$(BUILD)/sanling: $(BUILD)/obj/src/main.o $(BUILD)/libsanling.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libsanling.a: $(OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/gen/migrations.c: $(MIGRATIONS) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh migrations $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/wordlists.c: $(WORDLISTS) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh wordlists $(WORDLISTS) > $@.tmp && mv $@.tmp $@

/usr/share/john/password.lst /usr/share/dict/cracklib-small:
	@echo "$@ is missing: make deps installs it (john-data, cracklib-runtime)" >&2; exit 1

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsanling.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libsanling.a $(LDFLAGS) $(LDLIBS) -lcmocka

deps:
	sh scripts/deps.sh

check: deps
	sh scripts/deps.sh --test
	$(MAKE) all
	sh tests/run

demo: deps
	$(MAKE) all
	sh scripts/demo.sh

# Fuzz targets (libFuzzer; needs clang): make fuzz, then e.g.
#   build-fuzz/fuzz_csv -max_total_time=60 build-fuzz/corpus-csv
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_LIB_SRCS := $(filter-out src/main.c,$(SRCS))
fuzz: $(GEN_SRCS)
	@mkdir -p build-fuzz
	for f in $(FUZZ_SRCS); do \
		clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
			-Isrc -I$(BUILD)/gen $(PKG_CFLAGS) -o build-fuzz/$$(basename $$f .c) \
			$$f $(FUZZ_LIB_SRCS) $(GEN_SRCS) $(LDLIBS) || exit 1; \
	done

clean:
	rm -rf build build-san build-fuzz

.PHONY: all deps check demo clean fuzz web
-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
