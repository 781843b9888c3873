# deliver: a Maildir local delivery agent.  Plain GNU make.
#
#   make            build ./build/deliver
#   make check      install missing Debian packages, build, run every test
#   make check-mta  deliver under real Postfix and Exim (part of make check)
#   make check SANITIZE=1   the same under AddressSanitizer + UBSan
#   make demo       deliver the messages in contrib/demo/ into ./demo/Maildir
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=

CC      ?= cc
# pkg-config is read when make parses this file.  On a new machine the
# packages are not there yet: `deps` installs them, so demo and check run
# deps and then a second make, which parses anew and finds them.
PKGS    := libpcre2-8 libbsd-overlay sqlite3
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# libpq's header only (libpq-dev): deliver links no libpq, it loads it
# when a PostgreSQL store is configured (src/store/pg_lib.h)
PG_CFLAGS  := $(shell pkg-config --cflags libpq 2>/dev/null)

CFLAGS  ?= -O2 -g
CFLAGS  += -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wvla -Wshadow \
           -Wstrict-prototypes -Wmissing-prototypes -DLIBBSD_NETBSD_VIS \
           -Isrc -Isrc/sieve -Isrc/store $(PKG_CFLAGS) $(PG_CFLAGS)
LDLIBS  += -lsieve $(PKG_LIBS) -lmd

# How build/deliver is linked (unit tests always link the shared libraries).
# deliver runs once per message, so its start-up is part of every delivery:
#   LINK=mixed    glibc shared; libsieve, pcre2, libbsd, libmd and sqlite3
#                 static (default); libm only if SQLite's SQL math is ever
#                 called (src/libm_lazy.c).  glibc stays the system's:
#                 its iconv loads the gconv modules of the glibc it runs
#                 with, so Sieve's body test converts every charset glibc
#                 knows, and Debian's glibc updates reach deliver.  It costs
#                 the dynamic loader's work at start (about 25 page faults
#                 more than LINK=static; README, "Performance").
#   LINK=static   one static position-independent executable, glibc
#                 included: nothing to map or relocate at start.  glibc's
#                 NSS modules cannot be loaded into it, so user lookups run
#                 getent(1) (src/userdb.c, USERDB_GETENT); its iconv loads
#                 gconv modules at run time and needs the very glibc it was
#                 built with (charset conversion breaks after a glibc
#                 upgrade until deliver is rebuilt).
#   LINK=dynamic  everything shared.
# SANITIZE=1 always links dynamically (the sanitizers need it).
LINK    ?= mixed
STATIC_LIBS := -lsieve -lpcre2-8 -lbsd -lmd -lsqlite3
ifeq ($(SANITIZE),1)
DELIVER_LINK := $(LDLIBS)
else ifeq ($(LINK),static)
DELIVER_LINK := -static-pie $(STATIC_LIBS) -lm
DELIVER_OMIT  = $(BUILD)/sqlite_omit.o
# ...nor can it load libpq (a second glibc): no PostgreSQL store
CFLAGS  += -DUSERDB_GETENT -DSTORE_NO_DLOPEN
else ifeq ($(LINK),mixed)
# no -lm: src/libm_lazy.c loads libm only if SQLite's math is called
DELIVER_LINK := -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic
DELIVER_OMIT  = $(BUILD)/sqlite_omit.o $(BUILD)/libm_lazy.o
else
DELIVER_LINK := $(LDLIBS)
endif

ifeq ($(SANITIZE),1)
BUILD   ?= build-asan
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
export ASAN_OPTIONS  := detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1:exitcode=99
export LSAN_OPTIONS  := suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
else
BUILD   ?= build
endif

SRCS      := $(sort $(wildcard src/*.c src/sieve/*.c src/store/*.c))
HDRS      := $(wildcard src/*.h src/sieve/*.h src/store/*.h)
# deliver --from-procmailrc: the .procmailrc translator
SRCS      += $(sort $(wildcard src/procmail/*.c))
HDRS      += $(wildcard src/procmail/*.h)
# src/sqlite_omit.c and src/libm_lazy.c only go into a deliver that links
# SQLite statically (and, the second, glibc dynamically)
LIB_SRCS  := $(filter-out src/main.c src/sqlite_omit.c src/libm_lazy.c,$(SRCS))
LIB_OBJS  := $(patsubst src/%.c,$(BUILD)/%.o,$(LIB_SRCS))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
INTEG     := $(sort $(wildcard tests/integration/*.t))
MANPAGES  := $(wildcard man/*.1 man/*.5)
# MTA tests: state of tests/mta/setup.sh (unpacked Exim, skips)
MTA_TESTS := $(sort $(wildcard tests/mta/*.t))
MTA_STATE := $(CURDIR)/$(BUILD)/mta
# ...run by make check, except with SANITIZE=1: Postfix and Exim start
# deliver with a clean environment, without the ASAN/LSAN options above
CHECK_MTA := $(if $(filter 1,$(SANITIZE)),,check-mta)

FUZZ_SECONDS ?= 10
FUZZ_BUILD   := build-fuzz
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_SAN     := address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := -std=c17 -D_GNU_SOURCE -g -O1 -DLIBBSD_NETBSD_VIS -Isrc -Isrc/sieve -Isrc/store $(PKG_CFLAGS) $(PG_CFLAGS)
# src/*.c compiled once for every target (with coverage, without a main)
FUZZ_OBJS    := $(patsubst src/%.c,$(FUZZ_BUILD)/obj/%.o,$(LIB_SRCS))
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)
# check-fuzz (part of make check when clang is there): each target briefly
CHECK_FUZZ_SECONDS ?= 5
CHECK_FUZZ   := $(if $(shell command -v clang 2>/dev/null),check-fuzz,check-fuzz-skip)

.PHONY: all check check-unit check-integration check-man check-mta deps demo \
        check-pigeonhole pigeonhole-expected \
        check-after-deps deb check-deb check-fresh \
        install uninstall clean fuzz check-valgrind check-fuzz check-fuzz-skip
.DEFAULT_GOAL := all

all: $(BUILD)/deliver

$(BUILD)/%.o: src/%.c $(HDRS) | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/deliver: $(BUILD)/main.o $(LIB_OBJS) $(DELIVER_OMIT)
	$(CC) $(LDFLAGS) -o $@ $^ $(DELIVER_LINK)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) $(HDRS) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS) -lcmocka

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

# deps: install every build and test dependency that is missing (Debian).
deps:
	@sh tests/install-deps.sh

# The second make decides, after deps, whether clang is there (check-fuzz):
# the first one looked before deps installed it.
check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BINS) $(BUILD)/tests/pigeonhole-run
	@$(MAKE) --no-print-directory check-unit check-integration check-man \
	    check-after-deps
	@$(MAKE) --no-print-directory check-pigeonhole

check-after-deps: $(CHECK_MTA) $(CHECK_FUZZ)

check-unit: $(UNIT_BINS)
	CMOCKA_MESSAGE_OUTPUT=TAP prove --exec '' $(UNIT_BINS)

# Through tests/reachable.sh: the tests run deliver as unprivileged users,
# who cannot reach it in a checkout under /root; it then tests a copy.
check-integration: $(BUILD)/deliver
	SRCDIR=$(CURDIR) sh tests/reachable.sh $(CURDIR)/$(BUILD)/deliver \
	    prove $(INTEG)

# Real Postfix and Exim on loopback ports; installs what it needs itself
# (tests/mta/setup.sh), skips with the reason what it cannot have.
check-mta: $(BUILD)/deliver
	@sh tests/mta/setup.sh $(MTA_STATE)
	SRCDIR=$(CURDIR) MTA_STATE=$(MTA_STATE) \
	    sh tests/reachable.sh $(CURDIR)/$(BUILD)/deliver prove $(MTA_TESTS)

# check-valgrind: the integration tests with deliver run under
# memcheck by a generated wrapper; any error or definite leak exits 99, so
# the test that ran it fails.  Not part of `make check` (it is slow, every
# run pays valgrind's start), so it installs valgrind itself.  Forked
# children (the Sieve evaluation) stay under memcheck, as fork keeps them;
# exec'd programs (sendmail, the tests' capture scripts) are not ours, so
# --trace-children=no.  --vgdb=no: deliver drops root after valgrind has
# made its vgdb FIFOs in /tmp, which it then could not remove.  Skipped:
# 70-faults and 72-crash (strace counts and injects valgrind's system calls,
# not deliver's), 90-bench-smoke (timing, not correctness),
# 73-concurrency-all (400 deliveries, about ten minutes under memcheck; 15,
# 42 and 51 run the same concurrent paths with fewer) and 96-sieve-differential
# (about 2,000 deliveries; 30-38 run the same Sieve paths), 97-procmail-oracle
# (about 1,100 deliveries of translated scripts; 98 runs the translator).
# Tests that limit deliver's address space (14-large) skip that part:
# DELIVER_VALGRIND.
VALGRIND_SKIP  := 70-faults 72-crash 73-concurrency-all 90-bench-smoke \
                  96-sieve-differential 97-procmail-oracle
VALGRIND_INTEG := $(filter-out $(VALGRIND_SKIP:%=tests/integration/%.t),$(INTEG))
VALGRIND_OPTS  := -q --error-exitcode=99 --leak-check=full \
                  --errors-for-leak-kinds=definite --trace-children=no --vgdb=no \
                  --suppressions=$(CURDIR)/tests/valgrind.supp

# memcheck needs deliver linked dynamically (LINK=dynamic, in its own
# build directory): it cannot replace malloc inside a static executable,
# and glibc's static start-up reads memory it takes for undefined.
VALGRIND_BUILD := build-valgrind
check-valgrind:
	@test "$(SANITIZE)" != 1 || { echo "check-valgrind: not with SANITIZE=1" >&2; exit 1; }
	@command -v valgrind >/dev/null || { echo "check-valgrind: installing valgrind"; \
	    export DEBIAN_FRONTEND=noninteractive; apt-get update -q >/dev/null && \
	    apt-get install -y -q --no-install-recommends valgrind >/dev/null; }
	@$(MAKE) --no-print-directory BUILD=$(VALGRIND_BUILD) LINK=dynamic \
	    $(VALGRIND_BUILD)/deliver
	@printf '#!/bin/sh\nexec valgrind %s %s "$$@"\n' '$(VALGRIND_OPTS)' \
	    '$(CURDIR)/$(VALGRIND_BUILD)/deliver' > $(VALGRIND_BUILD)/deliver-valgrind
	@chmod 755 $(VALGRIND_BUILD)/deliver-valgrind
	DELIVER=$(CURDIR)/$(VALGRIND_BUILD)/deliver-valgrind DELIVER_VALGRIND=1 SRCDIR=$(CURDIR) \
	    prove $(VALGRIND_INTEG)

# check-pigeonhole: Pigeonhole 0.5.19's own testsuite (its *.svtest files,
# in its test language vnd.dovecot.testsuite) run on deliver's native Sieve
# interpreter by build/tests/pigeonhole-run, which alone carries that
# test-only extension.  Prints the figures per directory and, last,
# "pigeonhole: N of M test blocks pass".  Fails only when a block of
# tests/pigeonhole/expected-pass.txt no longer passes; make
# pigeonhole-expected rewrites that list (refusing while a listed block
# fails, unless FORCE=1), so the figure can only go up.
PIGEONHOLE_TESTS ?= $(CURDIR)/../shared/pigeonhole-tests/tests
PH_DIR   := tests/pigeonhole
# The runner links its own extension table (the product's list plus the
# testsuite extension, tests/pigeonhole/ph_ext_table.c) in place of the
# product's.
PH_SRCS  := $(sort $(wildcard $(PH_DIR)/*.c))
PH_OBJS  := $(filter-out $(BUILD)/sieve/sieve_ext_table.o,$(LIB_OBJS))
PH_RUN   := $(BUILD)/tests/pigeonhole-run
PH_ARGS  := -n $(PH_DIR)/not-applicable.txt -l $(BUILD)/tests/pigeonhole.log
PH_SKIP  := echo "check-pigeonhole: skipped, no testsuite at $(PIGEONHOLE_TESTS) (PIGEONHOLE_TESTS=DIR: Pigeonhole 0.5.19's tests/)"
# Pigeonhole's examples/, whose scripts execute/examples.svtest compiles:
# beside tests/ when PIGEONHOLE_TESTS is Pigeonhole's source tree, else
# downloaded once into $(BUILD) from the Debian mirror (Debian's orig
# tarball, checked: tests/pigeonhole/get-examples.sh) for the runner's -x.
# When neither, those ten blocks are not applicable in this run
# (not-applicable-examples.txt), said in one line.  Sets $$x.
PH_EXAMPLES := \
	if [ -d "$(PIGEONHOLE_TESTS)/../examples" ]; then x=""; \
	elif why=$$(sh $(PH_DIR)/get-examples.sh $(BUILD)); then \
	    x="-x $(BUILD)/pigeonhole-examples"; \
	else x="-n $(PH_DIR)/not-applicable-examples.txt"; \
	    echo "check-pigeonhole: Pigeonhole's examples/ not available ($$why): execute/examples.svtest's 10 blocks not applicable"; \
	fi

$(PH_RUN): $(PH_SRCS) $(wildcard $(PH_DIR)/*.h) $(PH_OBJS) $(HDRS) | $(BUILD)/tests
	$(CC) $(CFLAGS) -I$(PH_DIR) $(LDFLAGS) -o $@ $(PH_SRCS) $(PH_OBJS) $(LDLIBS)

check-pigeonhole: $(PH_RUN)
	@if [ -d "$(PIGEONHOLE_TESTS)" ]; then \
	    $(PH_EXAMPLES); \
	    $(PH_RUN) $(PH_ARGS) $$x -e $(PH_DIR)/expected-pass.txt $(PIGEONHOLE_TESTS); \
	 else $(PH_SKIP); fi

pigeonhole-expected: $(PH_RUN)
	@test -d "$(PIGEONHOLE_TESTS)" || { $(PH_SKIP); exit 1; }
	@rc=0; $(PH_EXAMPLES); $(PH_RUN) $(PH_ARGS) $$x -e $(PH_DIR)/expected-pass.txt \
	    -w $(BUILD)/tests/expected-pass.new $(PIGEONHOLE_TESTS) || rc=$$?; \
	 if [ $$rc = 1 ] && [ "$(FORCE)" != 1 ]; then \
	    echo "pigeonhole-expected: regressions, list kept (FORCE=1 accepts them)"; exit 1; \
	 elif [ $$rc -gt 1 ]; then exit $$rc; fi; \
	 mv $(BUILD)/tests/expected-pass.new $(PH_DIR)/expected-pass.txt; \
	 echo "pigeonhole-expected: $(PH_DIR)/expected-pass.txt: $$(wc -l < $(PH_DIR)/expected-pass.txt) blocks"

check-man:
	@for m in $(MANPAGES); do mandoc -Tlint -W warning $$m || exit 1; done; \
	 echo "man pages: $(words $(MANPAGES)) checked, 0 warnings"

# fuzz: build every tests/fuzz/fuzz_NAME.c as a libFuzzer binary and run it
# for FUZZ_SECONDS, starting from the checked-in corpus tests/fuzz/corpus/NAME
# (new inputs go to build-fuzz/, crashes too: keep those as regression
# inputs in the corpus once fixed).  Every corpus input runs first, so the
# regression inputs are checked however short the run.
$(FUZZ_BUILD)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $< $(FUZZ_OBJS) \
	    -lsieve $(PKG_LIBS) -lmd

fuzz: $(FUZZ_BINS)
	@set -e; for t in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
		if ! LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		    $(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		    -artifact_prefix=$(FUZZ_BUILD)/$$t- -print_final_stats=1 \
		    $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t > $(FUZZ_BUILD)/$$t.log 2>&1; \
		then tail -40 $(FUZZ_BUILD)/$$t.log; exit 1; fi; \
		grep -E '^(Done|stat::number_of_executed_units)' $(FUZZ_BUILD)/$$t.log; \
	done

# the objects are kept between runs (not intermediate files)
.SECONDARY: $(FUZZ_OBJS)

check-fuzz:
	@$(MAKE) --no-print-directory -j2 $(FUZZ_BINS)
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)

check-fuzz-skip:
	@echo "check-fuzz: skipped (clang is not installed, or CHECK_FUZZ=check-fuzz-skip)"

demo: deps
	@$(MAKE) --no-print-directory all
	@sh contrib/demo/demo.sh $(CURDIR)/$(BUILD)/deliver

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 $(BUILD)/deliver $(DESTDIR)$(BINDIR)/deliver
	install -m 0644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(wildcard man/*.5) $(DESTDIR)$(MANDIR)/man5/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/deliver
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard man/*.1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(wildcard man/*.5)))

clean:
	rm -rf build build-asan build-fuzz build-valgrind demo deliver_*.deb

# deb: the Debian package (debian/), deliver_VERSION_ARCH.deb at the top;
# tests/build-deb.sh says how.  check-deb: that package installed with
# apt-get into a fresh Debian 12 root, and a delivery through it as
# Postfix's mailbox_command makes one (slow: not part of make check).
# check-fresh: README's two commands in a fresh Debian 12 root, from a
# clone of this checkout's HEAD (FRESH=demo: make demo only).
FRESH ?= all
deb:
	@sh tests/build-deb.sh

check-deb: deb
	@bash tests/fresh-root.sh deb "$$(cat build/deb/name)"

check-fresh:
	@bash tests/fresh-root.sh $(FRESH)

# bench: a benchmark, not a test; never fails the build.
#   make bench               about 10 minutes, writes tests/bench/RESULTS.md
#   make bench BENCH_QUICK=1 a 1-2 minute smoke run
#   make bench-deps          install the peers measured (Debian)
BENCH_PEERS := dovecot-core dovecot-sieve maildrop procmail safecat valgrind strace sqlite3
BENCH_CFLAGS := -O2 -g -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wvla \
                -Wshadow -Wstrict-prototypes -Wmissing-prototypes

.PHONY: bench bench-deps bench-tools
bench-tools: $(BUILD)/bench/driver $(BUILD)/bench/baseline \
             $(BUILD)/bench/deliver-libpq

# The same deliver linked with libpq, which it does not use: what every
# delivery would pay if libpq were linked rather than loaded when a
# PostgreSQL store is configured (a bench row; left out without libpq.so)
$(BUILD)/bench/deliver-libpq: $(BUILD)/main.o $(LIB_OBJS) $(DELIVER_OMIT)
	@mkdir -p $(@D)
	-$(CC) $(LDFLAGS) -o $@ $^ $(DELIVER_LINK) -Wl,--no-as-needed -lpq

$(BUILD)/bench/%: tests/bench/%.c
	@mkdir -p $(BUILD)/bench
	$(CC) $(BENCH_CFLAGS) -o $@ $<

bench: all bench-tools
	-@BENCH_QUICK=$(BENCH_QUICK) bash tests/bench/run.sh $(BUILD)/bench $(BUILD)/deliver \
	    $(if $(filter 1,$(BENCH_QUICK)),,tests/bench/RESULTS.md)

bench-deps:
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(BENCH_PEERS)
