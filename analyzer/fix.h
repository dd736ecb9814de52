/* fix: text edits attached to findings, and applying them to files: non-overlapping
 * edits, atomic writes (temp file + rename, mode kept), a refusal to overwrite a file
 * that changed since it was read, and unified diffs for --diff. */
#ifndef AL_FIX_H
#define AL_FIX_H

#include <stdio.h>

#include "source.h"
#include "util.h"

typedef struct al_edit {
  uint32_t start, end; /* byte range replaced */
  char *text;          /* replacement; owned */
} al_edit;

typedef enum { AL_FIX_APPLY_SAFE = 1, AL_FIX_APPLY_UNSAFE = 2 } al_fix_safety;

typedef struct al_fix {
  al_fix_safety safety;
  char *title;        /* "Insert `await`"; owned */
  al_edit *edits;     /* sorted by start, non-overlapping */
  size_t nedits;
} al_fix;

al_fix *al_fix_new(al_fix_safety safety, const char *title);
void al_fix_add(al_fix *fx, uint32_t start, uint32_t end, const char *text);
void al_fix_free(al_fix *fx);

/* Applies the fixes (each all-or-nothing; one overlapping an accepted fix is skipped)
 * to src's text. Returns the new text (malloc'd) and sets *applied. */
char *al_fix_apply(const al_source *src, al_fix *const *fixes, size_t n, size_t *applied, size_t *out_len);

/* Writes text to path atomically, keeping its mode, unless the file on disk no longer
 * matches src (size/mtime): then returns -1 with *err set. */
int al_fix_write(const al_source *src, const char *text, size_t len, char **err);

/* A unified diff (3 lines of context) between src's text and new text. */
void al_fix_diff(const al_source *src, const char *text, size_t len, FILE *out);

#endif
