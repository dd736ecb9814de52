/* helpers: shared by the unit tests: lower a snippet and print its IR. */
#ifndef AL_TEST_HELPERS_H
#define AL_TEST_HELPERS_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend.h"
#include "kb.h"

/* Lowers text as file `path` (module id `module`) and returns the printed IR (malloc'd). */
char *lower_print(const char *path, const char *module, const char *text);
/* Runs a suite and returns the exit status for main. */
int run_suite(Suite *s);

#define ck_assert_ir(path, module, text, expected)                                                            \
  do {                                                                                                        \
    char *got_ = lower_print(path, module, text);                                                            \
    ck_assert_msg(strcmp(got_, expected) == 0, "IR differs.\n--- expected\n%s--- got\n%s", expected, got_); \
    free(got_);                                                                                              \
  } while (0)

#endif
