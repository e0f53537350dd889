# burrow — build, test, demo, bench, install.
#
#   make            build/burrow (static, stripped) and build/burrow-pack
#   make check      unit tests (doctest) + integration tests (root and uid 65534)
#   make check-engines  images and packs on Docker, containerd, Podman, runc, Slurm and
#                   Charliecloud, each started here (root; installs them when missing)
#   make demo       build a pack of the fixture store and run a program from it, unprivileged
#   make bench      side-by-side benchmarks → bench/RESULTS.md
#   make fuzz       libFuzzer targets (clang++) run for FUZZ_SECONDS each (tests/fuzz/fuzz.mk)
#   make format     apply .clang-format to the C++ sources; make format-check fails on a difference
#   make deps       install the Debian packages the build, tests and benchmarks need (root)
#   make install PREFIX=/usr/local

VERSION     := 0.1.0
PREFIX      ?= /usr/local
BUILD       ?= build
CXX         ?= g++
CXXFLAGS    ?= -O2 -g
SECTIONS    := -ffunction-sections -fdata-sections
WARN        := -Wall -Wextra -Wpedantic -Wshadow -Wno-missing-field-initializers
CPPFLAGS    += -I. -DBURROW_VERSION='"$(VERSION)"' -D_GNU_SOURCE
# Where the checkout (and an absolute BUILD) sits must not reach the binaries: debug info
# and __FILE__ name paths relative to it, so two checkouts build identical bytes (the
# build-id hashes the debug info; a pack embeds the runtime).
PREFIXMAP   := -ffile-prefix-map=$(CURDIR)=. $(if $(filter /%,$(BUILD)),-ffile-prefix-map=$(abspath $(BUILD))=build)
ALLFLAGS     = -std=c++20 $(WARN) $(CPPFLAGS) $(SECTIONS) $(PREFIXMAP) $(CXXFLAGS) -MMD -MP
# What the static burrow (and burrow-run) is made of is built for size: a launch's time goes
# to system calls, not to this code (a pack entry's launch measured the same, 4.5-5.6 ms
# either way over 200 runs), and -Os makes burrow 1.67 MiB instead of 2.25. The packer's
# own code stays at CXXFLAGS' level.
SIZEOPT     ?= -Os

RUNTIME_SRC := $(sort $(wildcard runtime/*/*.cpp))
LAUNCH_SRC  := $(sort $(wildcard launcher/*.cpp))
RUNSTUB_SRC := $(sort $(wildcard runstub/*.cpp))
PACKER_SRC  := $(sort $(wildcard packer/*.cpp))
UNIT_SRC    := $(sort $(wildcard tests/unit/*.cpp))
GEN_SRC     := $(BUILD)/gen/builtins.cpp

# Facilities may add generated sources and rules here (e.g. the syscall table); their rules
# must not become the default goal.
.DEFAULT_GOAL := all

# Parallel by default: one job per CPU unless the caller chose (-jN, -j1 for serial).
# Only the top-level make decides: a sub-make ($(MAKE) in a recipe) inherits the caller's
# -j1 or jobserver, which GNU make 4.3 does not show in MAKEFLAGS while parsing.
ifeq ($(MAKELEVEL)$(filter -j%,$(MAKEFLAGS)),0)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif
-include runtime/*/*.mk

OBJ          = $(patsubst %.cpp,$(BUILD)/obj/%.o,$(1))
RUNTIME_OBJ := $(call OBJ,$(RUNTIME_SRC) $(GEN_SRC))
LAUNCH_OBJ  := $(call OBJ,$(LAUNCH_SRC))
PACKER_OBJ  := $(call OBJ,$(PACKER_SRC))
PACKER_LIB  := $(call OBJ,$(filter-out packer/main.cpp,$(PACKER_SRC)))
LAUNCH_LIB  := $(call OBJ,$(filter-out launcher/main.cpp,$(LAUNCH_SRC)))
RUNSTUB_OBJ := $(call OBJ,$(RUNSTUB_SRC))
RUNSTUB_LIB := $(call OBJ,$(filter-out runstub/run_main.cpp,$(RUNSTUB_SRC)))
UNIT_OBJ    := $(call OBJ,$(UNIT_SRC))

STATIC_LIBS := -l:libseccomp.a -l:libcap.a
PACK_LIBS   := -larchive -lseccomp -lcap -lcrypto -lz
# burrow-run, the head of a -f run pack, reads its tarball (gzip, xz, zstd) and hashes it.
RUNSTUB_LIBS := -l:libarchive.a -l:libzstd.a -l:liblzma.a -l:libz.a -l:libnettle.a

# make fuzz (tests/fuzz/fuzz.mk); optional so that a partial copy of the tree (the
# integration tests' `make install`) still works.
-include tests/fuzz/fuzz.mk

.PHONY: all check check-engines unit integration conformance demo bench deps install clean asan need-deps format format-check
all: $(BUILD)/burrow $(BUILD)/burrow-pack $(BUILD)/burrow-run

$(BUILD)/obj/runtime/%.o $(BUILD)/obj/launcher/%.o $(BUILD)/obj/runstub/%.o $(BUILD)/obj/$(BUILD)/gen/%.o: ALLFLAGS += $(SIZEOPT)

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(ALLFLAGS) -c $< -o $@

$(BUILD)/obj/$(BUILD)/gen/%.o: $(BUILD)/gen/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(ALLFLAGS) -c $< -o $@

# Built-in bases are compiled in from profiles/builtin/*.json.
$(BUILD)/gen/builtins.cpp: $(sort $(wildcard profiles/builtin/*.json)) tools/embed-builtins.sh
	@mkdir -p $(dir $@)
	sh tools/embed-builtins.sh $(sort $(wildcard profiles/builtin/*.json)) > $@.tmp && mv $@.tmp $@

$(BUILD)/libburrow.a: $(RUNTIME_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The launcher is static: it must run on hosts that have none of our libraries.
$(BUILD)/burrow: $(LAUNCH_OBJ) $(BUILD)/libburrow.a
	$(CXX) -static -Wl,--gc-sections -o $@ $(LAUNCH_OBJ) $(BUILD)/libburrow.a $(STATIC_LIBS)
	strip $@

# Static too: a -f run pack starts with it, on hosts that have none of our libraries.
$(BUILD)/burrow-run: $(RUNSTUB_OBJ) $(BUILD)/libburrow.a
	$(CXX) -static -Wl,--gc-sections -o $@ $(RUNSTUB_OBJ) $(BUILD)/libburrow.a $(RUNSTUB_LIBS)
	strip $@

# run_choice: info names a -f run file's cache directory as the stub does.
$(BUILD)/burrow-pack: $(PACKER_OBJ) $(RUNSTUB_LIB) $(BUILD)/libburrow.a
	$(CXX) -o $@ $(PACKER_OBJ) $(RUNSTUB_LIB) $(BUILD)/libburrow.a $(PACK_LIBS)

$(BUILD)/unit-tests: $(UNIT_OBJ) $(LAUNCH_LIB) $(PACKER_LIB) $(RUNSTUB_LIB) $(BUILD)/libburrow.a
	$(CXX) -o $@ $(UNIT_OBJ) $(LAUNCH_LIB) $(PACKER_LIB) $(RUNSTUB_LIB) $(BUILD)/libburrow.a $(PACK_LIBS)

# Unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer (own build tree).
asan:
	$(MAKE) BUILD=build/asan CXXFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined' \
	    LDFLAGS=-fsanitize=address,undefined build/asan/unit-tests-san
$(BUILD)/unit-tests-san: $(UNIT_OBJ) $(LAUNCH_LIB) $(PACKER_LIB) $(RUNSTUB_LIB) $(BUILD)/libburrow.a
	$(CXX) $(LDFLAGS) -o $@ $(UNIT_OBJ) $(LAUNCH_LIB) $(PACKER_LIB) $(RUNSTUB_LIB) $(BUILD)/libburrow.a $(PACK_LIBS)

# Stops with one clear line when a build dependency is missing and we cannot install it.
need-deps:
	@sh tools/need-deps.sh

check: need-deps
	@$(MAKE) --no-print-directory all $(BUILD)/unit-tests
	@sh tests/run-all.sh $(BUILD)

# As root: installs the engines when missing, starts their daemons in a temp dir, stops them.
check-engines: need-deps
	@$(MAKE) --no-print-directory all
	@bash tests/engines/run.sh $(BUILD)

unit: need-deps
	@$(MAKE) --no-print-directory $(BUILD)/unit-tests
	$(BUILD)/unit-tests

integration: need-deps
	@$(MAKE) --no-print-directory all
	@sh tests/integration/run.sh $(BUILD)

conformance: need-deps
	@$(MAKE) --no-print-directory all
	@sh tests/conformance/run.sh $(BUILD)

demo: need-deps
	@$(MAKE) --no-print-directory all
	@sh tools/demo.sh $(BUILD)

bench: need-deps
	@$(MAKE) --no-print-directory all
	@sh bench/run.sh $(BUILD)

deps:
	sh tools/deps.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
	    $(DESTDIR)$(PREFIX)/share/burrow/profiles
	install -m 0755 $(BUILD)/burrow $(BUILD)/burrow-pack $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(PREFIX)/libexec/burrow
	install -m 0755 $(BUILD)/burrow-run $(DESTDIR)$(PREFIX)/libexec/burrow/
	# burrow under the name bwrap speaks bubblewrap's dialect; a directory to put first in PATH.
	install -d $(DESTDIR)$(PREFIX)/libexec/burrow
	ln -sf ../../bin/burrow $(DESTDIR)$(PREFIX)/libexec/burrow/bwrap
	install -m 0644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 0755 $(filter-out profiles/schema.json,$(wildcard profiles/*.json)) $(DESTDIR)$(PREFIX)/share/burrow/profiles/
	install -m 0644 profiles/schema.json $(DESTDIR)$(PREFIX)/share/burrow/
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 0644 completion/burrow.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/burrow
	ln -sf burrow $(DESTDIR)$(PREFIX)/share/bash-completion/completions/burrow-pack
	sed 's|@BASH_COMPLETION@|$(PREFIX)/share/bash-completion/completions/burrow|' completion/_burrow \
	    > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_burrow

# Every C++ source the project writes (not the generated ones under build/).
FORMAT_SRC = $(sort $(wildcard runtime/*/*.[ch]pp launcher/*.[ch]pp runstub/*.[ch]pp packer/*.[ch]pp tests/unit/*.[ch]pp \
                 tests/fuzz/*.[ch]pp tools/*.cpp bench/*.cpp examples/*/*/*.c))
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	@command -v clang-format >/dev/null 2>&1 || { echo "make format-check: clang-format not found (make deps installs it)" >&2; exit 1; }
	@clang-format --dry-run --Werror $(FORMAT_SRC) && echo "format-check: $(words $(FORMAT_SRC)) files match .clang-format"

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
