/* baseline: `--write-baseline FILE` records the current findings; `--baseline FILE`
 * drops findings recorded there, so only new ones are reported (and fail CI). */
#ifndef AL_BASELINE_H
#define AL_BASELINE_H

#include "driver.h"

/* Writes run's findings to path (atomically). 0, or -1 with *err set. */
int al_baseline_write(const al_run *run, const char *path, char **err);
/* Removes from run the findings the baseline at path accepts; *accepted counts them.
 * 0, or -1 with *err set (unreadable or not a baseline). */
int al_baseline_apply(al_run *run, const char *path, size_t *accepted, char **err);
/* A finding's fingerprint (16 hex digits): code, path and its source line with blanks
 * collapsed, so that it survives lines moving (malloc'd). */
char *al_finding_fingerprint(const al_file *f, const al_finding *fd);

#endif
