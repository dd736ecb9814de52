/* staged: pre-commit support: `check --staged` and `install-hook`. */
#ifndef AL_STAGED_H
#define AL_STAGED_H

#include <stdio.h>

#include "driver.h"

/* Lints the staged content of the staged files (exported from the git index). Returns
 * the exit code. */
int al_check_staged(const al_options *opts, FILE *out, FILE *err);
/* Writes a plain git pre-commit hook running `asynclint check --staged`. */
int al_install_hook(bool force, FILE *out, FILE *err);

#endif
