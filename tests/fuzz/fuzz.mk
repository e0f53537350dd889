# libFuzzer targets (tests/fuzz/fuzz_*.cpp), included by the Makefile.
#
#   make fuzz [FUZZ_SECONDS=60]   build them with clang++ into build/fuzz/ (their own
#                                 object tree) and run each for FUZZ_SECONDS seconds
FUZZ_SECONDS ?= 60
FUZZ_CXX     ?= clang++
FUZZ_TARGETS := profile cli manifest
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
comma        := ,
# tests/fuzz/guard.cpp: what the code under test may do to the machine.
FUZZ_WRAP    := $(patsubst %,-Wl$(comma)--wrap=%,open openat execve fork mount unshare unlink mkdir)
FUZZ_SUPPORT := $(call OBJ,tests/fuzz/fuzz_support.cpp tests/fuzz/guard.cpp)

.PHONY: fuzz fuzz-build
fuzz: fuzz-build
	@sh tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS)

fuzz-build: need-deps
	@command -v $(FUZZ_CXX) >/dev/null 2>&1 || { echo "make fuzz: $(FUZZ_CXX) not found (make deps installs clang)" >&2; exit 1; }
	@ls "$$($(FUZZ_CXX) -print-runtime-dir)"/libclang_rt.fuzzer-*.a >/dev/null 2>&1 || \
	    { echo "make fuzz: $(FUZZ_CXX) has no libFuzzer (make deps installs libclang-rt-14-dev)" >&2; exit 1; }
	@$(MAKE) --no-print-directory BUILD=build/fuzz CXX='$(FUZZ_CXX)' \
	    CXXFLAGS='-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)' \
	    LDFLAGS='$(FUZZ_SAN)' $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_TARGETS))

$(BUILD)/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_SUPPORT) $(LAUNCH_LIB) $(PACKER_LIB) $(RUNSTUB_LIB) $(BUILD)/libburrow.a
	$(CXX) $(LDFLAGS) -fsanitize=fuzzer $(FUZZ_WRAP) -o $@ $(filter %.o,$^) $(BUILD)/libburrow.a $(PACK_LIBS)

# Reached through the pattern rule above, they would otherwise be deleted as intermediates.
.SECONDARY: $(FUZZ_SUPPORT) $(patsubst %,$(BUILD)/obj/tests/fuzz/fuzz_%.o,$(FUZZ_TARGETS))
