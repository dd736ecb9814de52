/* pytest_ctx: what a Python test file's surroundings say about running its `async def`
 * tests (AL515). pytest runs a coroutine test only through a plugin; a project may let
 * one run them without markers (pytest-asyncio's `asyncio_mode = auto`, pytest-trio's
 * `trio_mode`, a conftest hook that calls test functions: knowledge
 * `pytest_async_settings`). The answer depends on files other than the test file, so it
 * is part of the file's cache key. */
#ifndef AL_PYTEST_CTX_H
#define AL_PYTEST_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

enum {
  AL_PYTEST_FILE = 1u << 0,       /* pytest collects it by default: test_*.py, *_test.py */
  AL_PYTEST_RUNS_ASYNC = 1u << 1, /* a setting, conftest or plugin may run unmarked coroutine tests */
  AL_PYTEST_CONFIGURED = 1u << 2  /* a conftest.py or a pytest section of the settings is there: the
                                   * project runs pytest (else the file must import it) */
};

/* path's basename is one pytest collects by default. */
bool al_pytest_file_name(const char *path);
/* text[0, len) names a setting of knowledge `pytest_async_settings` (outside the value
 * that keeps the strict mode: `asyncio_mode = strict`). */
bool al_pytest_text_runs_async(const char *text, size_t len);
/* The AL_PYTEST_* flags of the Python file at abs_path (0 for a file pytest does not
 * collect). memo: folder -> its flags, shared by the calls of one run (not thread-safe). */
uint8_t al_pytest_context(al_map *memo, const char *abs_path);

#endif
