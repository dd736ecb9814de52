/* fuzz_common: what the fuzz targets share. Each target defines LLVMFuzzerTestOneInput;
 * built with clang's -fsanitize=fuzzer it is a libFuzzer binary, built with
 * fuzz_replay.c it replays files (the regression corpus, in every ctest run). */
#ifndef AL_FUZZ_COMMON_H
#define AL_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Built-in knowledge, loaded once per process. */
static inline void fuzz_init_kb(void) {
  static int done;
  if (done) return;
  char *err = NULL;
  if (al_kb_init(&err) < 0) {
    fprintf(stderr, "fuzz: knowledge: %s\n", err);
    abort();
  }
  done = 1;
}

/* A property the input broke: report it as a crash so libFuzzer keeps the input. */
#define FUZZ_CHECK(cond, what)                                   \
  do {                                                           \
    if (!(cond)) {                                               \
      fprintf(stderr, "fuzz property violated: %s\n", what);     \
      abort();                                                   \
    }                                                            \
  } while (0)

#endif
