/* diffbase: `--diff-base REV`: report only findings on lines changed since REV. */
#ifndef AL_DIFFBASE_H
#define AL_DIFFBASE_H

#include "driver.h"

/* Drops from run the findings outside the lines `git diff REV` adds or changes (files
 * git does not track count as new). 0, or -1 with *err (no repository, bad revision). */
int al_diffbase_apply(al_run *run, const char *rev, size_t *dropped, char **err);

#endif
