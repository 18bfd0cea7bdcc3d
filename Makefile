# Sanling build.  `make` builds build/sanling; `make check` runs every test;
# `make demo` loads and serves the demo district.  See README.md.
#
#   make install [PREFIX=/usr/local] [DESTDIR=]   the program, its PDF writer
#                                     (PREFIX/lib/sanling), the web application
#                                     (PREFIX/share/sanling/web), the PDF's fonts
#                                     (PREFIX/share/sanling/fonts) and the manual page
#   make deb                          the Debian package build/sanling_VERSION_ARCH.deb
#   make SANITIZE=address,undefined   build with sanitizers (into build-san/)
#   make check SANITIZE=address,undefined   every test on that build
#   make fuzz                         the libFuzzer targets (into build-fuzz/)
#   make DEBUG=1                      no optimisation

CC ?= cc
PKGS := libmicrohttpd jansson sqlite3 libpq libsodium xlsxwriter libzip libxml-2.0 libzstd libcrypto
# the PDF writer's, linked into its module only (below)
PDF_PKGS := cairo pangocairo fontconfig
OPT := -O2
ifdef DEBUG
OPT := -O0
endif
BUILD := build
ifdef SANITIZE
BUILD := build-san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# the PDF writer's module and what the program exports to it (below)
PDF_MODULE := $(BUILD)/sanling-pdf.so
PDF_LINK := $(BUILD)/pdf.link

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) $(PDF_PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
PDF_LIBS := $(shell pkg-config --libs $(PDF_PKGS) 2>/dev/null)

CFLAGS ?= $(OPT) -g
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
	-Wshadow -Wstrict-prototypes -Wmissing-prototypes -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) $(SANFLAGS) -MMD -MP
LDLIBS += $(PKG_LIBS) -lcsv -lpthread -lm
LDFLAGS += $(SANFLAGS)

SRCS := $(shell find src -name '*.c' | sort)
LIB_SRCS := $(filter-out src/main.c src/doc/pdf.c,$(SRCS))
MIGRATIONS := $(sort $(wildcard src/db/migrations/*.sql))
# the lists of common passwords and words that new passwords may not be
# (src/base/pwcheck.c): two from Debian packages (john-data, cracklib-runtime;
# scripts/deps.sh installs them) and the project's own
WORDLISTS := /usr/share/john/password.lst /usr/share/dict/cracklib-small src/base/passwords.txt
# the template files of the DOCX writer (src/doc/docx.c), named by their
# path inside the document
DOC_TEMPLATES := $(shell find src/doc/templates -type f | sort)
# the version: debian/changelog's latest entry
VERSION := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
GEN_SRCS := $(BUILD)/gen/migrations.c $(BUILD)/gen/wordlists.c $(BUILD)/gen/doc_templates.c
OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/migrations.o $(BUILD)/obj/gen/wordlists.o \
	$(BUILD)/obj/gen/doc_templates.o
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# what the unit tests share (tests/unit/engines.c: a fresh database on either
# engine; tests/unit/docs_fixture.c: a temporary directory, commands and
# LibreOffice run in it, the XML parts of a zip archive), linked into each;
# not tests of their own (tests/run runs test_*)
UNIT_FIXTURE := $(BUILD)/obj/tests/unit/engines.o $(BUILD)/obj/tests/unit/docs_fixture.o

all: $(BUILD)/sanling $(PDF_MODULE) $(UNIT_BINS) web fonts

# The PDF's fonts (src/doc/pdf.c): Debian's Noto CJK cut to GB 2312's
# characters by scripts/fonts.py (python3-fonttools), found beside the
# program (build/fonts; installed, PREFIX/share/sanling/fonts).
# Cut once, in build/; another build (build-san/) copies them beside its program.
PYTHON ?= /usr/bin/python3
FONTS := $(addprefix $(BUILD)/fonts/,SanlingSerifSC-Regular.otf SanlingSerifSC-Bold.otf \
	SanlingSansSC-Regular.otf)
fonts: $(FONTS)
build/fonts/%.otf: scripts/fonts.py
	@mkdir -p $(dir $@)
	$(PYTHON) scripts/fonts.py $@
ifneq ($(BUILD),build)
$(BUILD)/fonts/%.otf: build/fonts/%.otf
	@mkdir -p $(dir $@)
	cp $< $@
endif

# The browser application (Vue 3 + Element Plus + ECharts, built by Vite into
# web/dist); its npm packages come from web/package-lock.json (make deps).
WEB_SRCS := $(shell find web/src web/public -type f 2>/dev/null) web/index.html \
	web/vite.config.js web/package.json web/package-lock.json
web: web/dist/index.html
web/dist/index.html: $(WEB_SRCS)
	@test -x web/node_modules/.bin/vite || { echo "web/node_modules is missing: run make deps" >&2; exit 1; }
	cd web && npm run build --silent

# the libraries, checked once before anything is compiled: one line, not a
# page of compiler errors, when they are missing
$(BUILD)/.deps-ok:
	@pkg-config --exists $(PKGS) $(PDF_PKGS) || { echo "missing libraries ($$(for p in $(PKGS) $(PDF_PKGS); do \
		pkg-config --exists $$p || printf '%s ' $$p; done)): run make deps" >&2; exit 1; }
	@mkdir -p $(dir $@) && touch $@

$(BUILD)/sanling: $(BUILD)/obj/src/main.o $(BUILD)/libsanling.a $(PDF_LINK)
	$(CC) $(LDFLAGS) -o $@ $(BUILD)/obj/src/main.o $(BUILD)/libsanling.a @$(PDF_LINK) $(LDLIBS)

# The PDF writer (src/doc/pdf.c) is a module of its own, loaded by the first
# PDF a process writes (src/doc/pdf_load.c): pango, cairo, fontconfig and the
# 34 libraries under them are then not loaded at every start of every
# command (a quarter of `sanling --version`'s time).  It calls back into the
# program (strbuf, xcalloc, …): PDF_LINK, made from what the module leaves
# undefined and the library defines, exports those symbols from the program
# and from each unit test (--dynamic-list) and keeps them in the link (-u).
$(BUILD)/obj/pic/src/doc/pdf.o: src/doc/pdf.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -c -o $@ $<

$(PDF_MODULE): $(BUILD)/obj/pic/src/doc/pdf.o
	$(CC) $(LDFLAGS) -shared -o $@ $< $(PDF_LIBS)

$(PDF_LINK): $(BUILD)/obj/pic/src/doc/pdf.o $(BUILD)/libsanling.a
	nm --defined-only -g --format=just-symbols $(BUILD)/libsanling.a | sort -u > $@.defined
	nm -u --format=just-symbols $< | sort -u | comm -12 - $@.defined > $@.syms
	@test -s $@.syms || { echo "$@: the module uses nothing of the program?" >&2; exit 1; }
	{ echo '{'; sed 's/.*/  &;/' $@.syms; echo '};'; } > $(BUILD)/pdf.dynlist
	{ echo '-Wl,--dynamic-list=$(BUILD)/pdf.dynlist'; sed 's/.*/-Wl,-u,&/' $@.syms; } > $@.tmp
	rm -f $@.defined $@.syms && mv $@.tmp $@

$(BUILD)/libsanling.a: $(OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/%.o: %.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/gen/version.h: debian/changelog
	@mkdir -p $(dir $@)
	printf '#define SANLING_VERSION "%s"\n' '$(VERSION)' > $@.tmp && mv $@.tmp $@
# before their first compilation (then -MMD's files say it)
$(BUILD)/obj/src/main.o $(BUILD)/obj/src/api/api.o $(BUILD)/obj/src/ops/backup.o: $(BUILD)/gen/version.h

# the folder too: a migration taken away (a branch's, a trial's) changes only its mtime
$(BUILD)/gen/migrations.c: $(MIGRATIONS) src/db/migrations scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh migrations $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/wordlists.c: $(WORDLISTS) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh wordlists $(WORDLISTS) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/doc_templates.c: $(DOC_TEMPLATES) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh -C src/doc/templates doc_templates $(DOC_TEMPLATES) > $@.tmp && mv $@.tmp $@

/usr/share/john/password.lst /usr/share/dict/cracklib-small:
	@echo "$@ is missing: make deps installs it (john-data, cracklib-runtime)" >&2; exit 1

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_FIXTURE) $(BUILD)/libsanling.a $(PDF_LINK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(UNIT_FIXTURE) $(BUILD)/libsanling.a @$(PDF_LINK) $(LDFLAGS) $(LDLIBS) \
		-lcmocka

# test_pdf reads the pages it has rendered with cairo itself
$(BUILD)/tests/test_pdf: LDLIBS += $(PDF_LIBS)
# named here, so that make keeps it (not an intermediate file of the rule above)
$(UNIT_BINS): $(UNIT_FIXTURE)

deps:
	sh scripts/deps.sh

# With SANITIZE=..., every test runs on the sanitizer build (build-san/);
# without, tests/run still runs the API tests once on it (SQLite).
check: deps
	sh scripts/deps.sh --test
	$(MAKE) all
	BUILD=$(BUILD) sh tests/run

demo: deps
	$(MAKE) all
	sh scripts/demo.sh

# Fuzz targets (libFuzzer; clang): the library is compiled once into
# build-fuzz/ with the fuzzer's coverage and ASan + UBSan, each
# tests/fuzz/fuzz_NAME.c linked against it.  `make fuzz` builds them;
# tests/run runs each for a while on its seeds (tests/fuzz/corpus/NAME/).
#   build-fuzz/fuzz_csv -max_total_time=60 tests/fuzz/corpus/csv
FUZZ := build-fuzz
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Wno-unused-parameter \
	-Wno-missing-field-initializers -Isrc -I$(FUZZ)/gen $(PKG_CFLAGS) $(FUZZ_SAN)
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ)/%)
FUZZ_OBJS := $(LIB_SRCS:%.c=$(FUZZ)/obj/%.o) $(FUZZ)/obj/gen/migrations.o \
	$(FUZZ)/obj/gen/wordlists.o $(FUZZ)/obj/gen/doc_templates.o

fuzz: $(FUZZ_BINS)

$(FUZZ)/gen/version.h: debian/changelog
	@mkdir -p $(dir $@)
	printf '#define SANLING_VERSION "%s"\n' '$(VERSION)' > $@.tmp && mv $@.tmp $@
# before their first compilation, as in the build above
$(FUZZ)/obj/src/api/api.o $(FUZZ)/obj/src/ops/backup.o: $(FUZZ)/gen/version.h

$(FUZZ)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ)/obj/gen/%.o: $(FUZZ)/gen/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ)/gen/migrations.c: $(MIGRATIONS) src/db/migrations scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh migrations $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(FUZZ)/gen/wordlists.c: $(WORDLISTS) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh wordlists $(WORDLISTS) > $@.tmp && mv $@.tmp $@

$(FUZZ)/gen/doc_templates.c: $(DOC_TEMPLATES) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh -C src/doc/templates doc_templates $(DOC_TEMPLATES) > $@.tmp && mv $@.tmp $@

$(FUZZ)/libsanling.a: $(FUZZ_OBJS)
	rm -f $@ && ar rcs $@ $^

$(FUZZ)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fixture.c tests/fuzz/fixture.h $(FUZZ)/libsanling.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< tests/fuzz/fixture.c \
		$(FUZZ)/libsanling.a $(LDLIBS)

# The manual page, from the program's own table of commands.
$(BUILD)/sanling.1: $(BUILD)/sanling scripts/manpage.sh debian/changelog
	sh scripts/manpage.sh $(BUILD)/sanling > $@.tmp && mv $@.tmp $@

PREFIX ?= /usr/local
install: $(BUILD)/sanling $(PDF_MODULE) $(BUILD)/sanling.1 web fonts
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/sanling $(DESTDIR)$(PREFIX)/share/sanling \
		$(DESTDIR)$(PREFIX)/share/sanling/fonts $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BUILD)/sanling $(DESTDIR)$(PREFIX)/bin/sanling
	install -m 0644 $(PDF_MODULE) $(DESTDIR)$(PREFIX)/lib/sanling/
	install -m 0644 $(FONTS) $(DESTDIR)$(PREFIX)/share/sanling/fonts/
	rm -rf $(DESTDIR)$(PREFIX)/share/sanling/web
	cp -R web/dist $(DESTDIR)$(PREFIX)/share/sanling/web
	chmod -R u=rwX,go=rX $(DESTDIR)$(PREFIX)/share/sanling/web
	gzip -9n < $(BUILD)/sanling.1 > $(DESTDIR)$(PREFIX)/share/man/man1/sanling.1.gz

# The Debian package, laid out by `make install` and debian/'s files, built
# by dpkg-deb (scripts/deb.sh).
deb: $(BUILD)/sanling $(PDF_MODULE) $(BUILD)/sanling.1 web fonts
	sh scripts/deb.sh $(BUILD) $(VERSION)

clean:
	rm -rf build build-san build-fuzz

.PHONY: all deps check demo clean fuzz web fonts install deb
-include $(shell find $(BUILD)/obj $(BUILD)/tests $(FUZZ)/obj -name '*.d' 2>/dev/null)
