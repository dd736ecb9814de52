# The front door. `make run` sets up, builds and lints the demo project;
# `make test` sets up, builds and runs every test through ctest.
BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all setup build run test validate realworld asan test-asan fuzz valgrind bench clean install

all: build

setup:
	@scripts/setup

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: setup $(BUILD)/CMakeCache.txt
	@cmake --build $(BUILD) -j$(JOBS)

# Findings make asynclint exit 1: that is the demo working, not make failing.
run: build
	@$(BUILD)/asynclint check fixtures/demo; rc=$$?; [ $$rc -le 1 ]

# The binary into $(PREFIX)/bin, the rule pages into $(PREFIX)/share/doc/asynclint
# (DESTDIR=... for packaging).
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

# Bad/fixed fixture pairs: flagged, clean, fix matches, defect shown and gone at run time.
validate: build
	python3 tests/validate.py $(BUILD)/asynclint

# Lint CPython's asyncio and Debian's aiohttp/trio/anyio/httpx (installed if missing):
# per-rule counts for docs/real-world.md.
realworld: build
	scripts/realworld $(BUILD)/asynclint

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
asan:
	@$(MAKE) --no-print-directory build BUILD=build-asan BUILD_TYPE=Debug CMAKE_FLAGS=-DASYNCLINT_SANITIZE=ON

test-asan:
	@$(MAKE) --no-print-directory test BUILD=build-asan BUILD_TYPE=Debug CMAKE_FLAGS=-DASYNCLINT_SANITIZE=ON

# asynclint beside the parse floor and the peers on the same corpora (bench/README.md).
bench: build
	bench/setup
	python3 bench/run.py $(BUILD)/asynclint
	python3 bench/lsp_latency.py $(BUILD)/asynclint
	python3 bench/scaling.py $(BUILD)/asynclint

# Valgrind memcheck: unit tests, fuzz regression replays, a lint of fixtures/.
valgrind: build
	scripts/valgrind $(BUILD)

# libFuzzer targets (clang-14, ASan+UBSan), each run FUZZ_SECONDS (default 60).
fuzz:
	@$(MAKE) --no-print-directory build BUILD=build-fuzz BUILD_TYPE=RelWithDebInfo \
	  CMAKE_FLAGS="-DASYNCLINT_FUZZ=ON -DCMAKE_C_COMPILER=clang-14"
	scripts/fuzz build-fuzz

clean:
	rm -rf build build-asan build-fuzz
