/* kb_expand: brace alternatives in a knowledge name, shared by the analyzer's YAML loader
 * (analyzer/kb.c, for a project's own knowledge) and the build step that compiles the
 * built-in knowledge (tools/kb_compile.c). "m.screen.find{,All}By{Text,Role}" stands for
 * the four names m.screen.findByText, m.screen.findByRole, m.screen.findAllByText and
 * m.screen.findAllByRole, in that order. Groups do not nest. Header-only: the build tool
 * links nothing of the analyzer. */
#ifndef ASYNCLINT_KB_EXPAND_H
#define ASYNCLINT_KB_EXPAND_H

#include <stdlib.h>
#include <string.h>

#define KB_EXPAND_MAX 4096 /* names one entry may stand for */

typedef void (*kb_expand_emit)(const char *name, void *ud);

/* The number of names `name` stands for (1 without braces), or -1 when a brace is
 * unmatched, nested or empty-grouped, or when it would stand for more than KB_EXPAND_MAX. */
static inline long kb_expand_count(const char *name) {
  long total = 1;
  for (const char *p = name; *p; p++) {
    if (*p == '}') return -1;
    if (*p != '{') continue;
    long alts = 1;
    const char *q = p + 1;
    for (; *q && *q != '}'; q++) {
      if (*q == '{') return -1;
      if (*q == ',') alts++;
    }
    if (!*q) return -1;
    total *= alts;
    if (total > KB_EXPAND_MAX) return -1;
    p = q;
  }
  return total;
}

static inline void kb_expand_rec(const char *name, kb_expand_emit emit, void *ud) {
  const char *open = strchr(name, '{');
  if (!open) {
    emit(name, ud);
    return;
  }
  const char *close = strchr(open, '}');
  size_t pre = (size_t)(open - name), rest = strlen(close + 1);
  for (const char *alt = open + 1;;) {
    size_t al = strcspn(alt, ",}");
    char *buf = malloc(pre + al + rest + 1);
    if (!buf) abort();
    memcpy(buf, name, pre);
    memcpy(buf + pre, alt, al);
    memcpy(buf + pre + al, close + 1, rest + 1);
    kb_expand_rec(buf, emit, ud);
    free(buf);
    if (alt[al] == '}') break;
    alt += al + 1;
  }
}

/* Calls emit for each name `name` stands for; returns their number, or -1 (see
 * kb_expand_count: nothing is emitted then). */
static inline long kb_expand(const char *name, kb_expand_emit emit, void *ud) {
  long n = kb_expand_count(name);
  if (n > 0) kb_expand_rec(name, emit, ud);
  return n;
}

#endif
