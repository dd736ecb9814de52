/* diffbase: `--diff-base REV` keeps only findings on lines changed since REV, read from
 * `git diff -U0 REV` (plus untracked files, which are new in full). */
#include "diffbase.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct range {
  uint32_t from, to; /* inclusive, 1-based */
} range;

typedef struct changed_file {
  bool all;     /* untracked: every line is new */
  al_vec ranges; /* range* */
} changed_file;

static bool safe_rev(const char *rev) {
  if (!*rev || rev[0] == '-') return false;
  for (const char *p = rev; *p; p++)
    if (!(*p == '_' || *p == '-' || *p == '.' || *p == '/' || *p == '~' || *p == '^' || *p == '@' ||
          (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
      return false;
  return true;
}

static char *run_line(const char *cmd) {
  FILE *p = popen(cmd, "r");
  if (!p) return NULL;
  char buf[PATH_MAX];
  char *r = fgets(buf, sizeof buf, p) ? al_strdup(buf) : NULL;
  if (pclose(p) != 0) {
    free(r);
    return NULL;
  }
  if (r) r[strcspn(r, "\n")] = 0;
  return r;
}

static changed_file *file_for(al_map *m, const char *root, const char *rel) {
  char *abs = al_fmt("%s/%s", root, rel);
  changed_file *cf = al_map_get(m, abs);
  if (!cf) {
    cf = al_calloc(1, sizeof *cf);
    al_map_put(m, abs, cf);
  }
  free(abs);
  return cf;
}

static void free_cf(const char *key, void *val, void *ctx) {
  (void)key, (void)ctx;
  changed_file *cf = val;
  for (size_t i = 0; i < cf->ranges.len; i++) free(cf->ranges.items[i]);
  al_vec_free(&cf->ranges);
  free(cf);
}

int al_diffbase_apply(al_run *run, const char *rev, size_t *dropped, char **err) {
  if (!safe_rev(rev)) {
    *err = al_fmt("--diff-base: '%s' does not look like a git revision", rev);
    return -1;
  }
  char *root = run_line("git rev-parse --show-toplevel 2>/dev/null");
  if (!root) {
    *err = al_fmt("--diff-base needs a git repository (git rev-parse failed here)");
    return -1;
  }
  char *verify = al_fmt("git -C '%s' rev-parse --verify --quiet '%s^{commit}' >/dev/null 2>&1", root, rev);
  int ok = system(verify);
  free(verify);
  if (ok != 0) {
    *err = al_fmt("--diff-base: unknown revision '%s'", rev);
    free(root);
    return -1;
  }
  al_map files = {0};
  char *cmd = al_fmt("git -C '%s' diff --no-color --no-ext-diff -U0 '%s' --", root, rev);
  FILE *p = popen(cmd, "r");
  free(cmd);
  changed_file *cur = NULL;
  char *line = NULL;
  size_t cap = 0;
  while (p && getline(&line, &cap, p) > 0) {
    if (!strncmp(line, "+++ ", 4)) {
      line[strcspn(line, "\n")] = 0;
      cur = strcmp(line + 4, "/dev/null") && !strncmp(line + 4, "b/", 2) ? file_for(&files, root, line + 6) : NULL;
    } else if (!strncmp(line, "@@ ", 3) && cur) {
      const char *plus = strchr(line, '+');
      if (!plus) continue;
      unsigned long start = strtoul(plus + 1, NULL, 10), count = 1;
      const char *comma = strchr(plus, ',');
      const char *space = strchr(plus, ' ');
      if (comma && (!space || comma < space)) count = strtoul(comma + 1, NULL, 10);
      if (!count) continue; /* pure deletion */
      range *r = al_malloc(sizeof *r);
      r->from = (uint32_t)start;
      r->to = (uint32_t)(start + count - 1);
      al_vec_push(&cur->ranges, r);
    }
  }
  if (p) pclose(p);
  free(line);
  char *ucmd = al_fmt("git -C '%s' ls-files --others --exclude-standard", root);
  FILE *u = popen(ucmd, "r");
  free(ucmd);
  line = NULL;
  cap = 0;
  while (u && getline(&line, &cap, u) > 0) {
    line[strcspn(line, "\n")] = 0;
    file_for(&files, root, line)->all = true;
  }
  if (u) pclose(u);
  free(line);
  *dropped = 0;
  for (size_t i = 0; i < run->nfiles; i++) {
    al_file *f = &run->files[i];
    changed_file *cf = f->abs ? al_map_get(&files, f->abs) : NULL;
    size_t keep = 0;
    for (size_t k = 0; k < f->findings.len; k++) {
      al_finding *fd = f->findings.items[k];
      bool hit = cf && cf->all;
      uint32_t a = fd->span.line, b = fd->end_line >= a ? fd->end_line : a;
      for (size_t r = 0; cf && !hit && r < cf->ranges.len; r++) {
        const range *rg = cf->ranges.items[r];
        hit = a <= rg->to && b >= rg->from;
      }
      if (hit) f->findings.items[keep++] = fd;
      else {
        al_finding_free(fd);
        (*dropped)++;
      }
    }
    run->nfindings -= f->findings.len - keep;
    f->findings.len = keep;
  }
  al_map_each(&files, free_cf, NULL);
  al_map_free(&files);
  free(root);
  return 0;
}
