/* staged: `check --staged` lints what is staged for commit, not the working tree: the
 * staged files (and the .asynclint.yaml files of the index) are exported from the git
 * index into a temporary folder that the check then runs in. `install-hook` writes a
 * plain git pre-commit hook that runs it. */
#include "staged.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend.h"

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(p);
}

static void rm_tree(const char *dir) { nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS); }

/* Reads a command's NUL-separated output into v (char*). */
static int read_z(const char *cmd, al_vec *v) {
  FILE *p = popen(cmd, "r");
  if (!p) return -1;
  char *item = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getdelim(&item, &cap, '\0', p)) > 0) {
    if (item[n - 1] == '\0') n--;
    if (n > 0) al_vec_push(v, al_fmt("%.*s", (int)n, item));
  }
  free(item);
  return pclose(p) == 0 ? 0 : -1;
}

static char *quote(const char *s) {
  al_buf b = {0};
  al_buf_puts(&b, "'");
  for (; *s; s++) {
    if (*s == '\'') al_buf_puts(&b, "'\\''");
    else al_buf_add(&b, s, 1);
  }
  al_buf_puts(&b, "'");
  char *r = al_strdup(b.data);
  al_buf_free(&b);
  return r;
}

/* Imports of the staged files that are not staged themselves: exported from the index
 * when the driver follows them (their staged content is what the commit will hold). */
typedef struct staged_fetch {
  const char *top, *tmp; /* the repository's root; the export's canonical path */
  al_map index;          /* paths in the git index, relative to top */
  bool loaded;
} staged_fetch;

static bool fetch_from_index(const char *abs_path, void *ctx) {
  staged_fetch *s = ctx;
  size_t n = strlen(s->tmp);
  if (strncmp(abs_path, s->tmp, n) || abs_path[n] != '/') return false;
  const char *rel = abs_path + n + 1;
  if (!s->loaded) {
    s->loaded = true;
    char *q = quote(s->top), *cmd = al_fmt("git -C %s ls-files -z 2>/dev/null", q);
    al_vec v = {0};
    read_z(cmd, &v);
    for (size_t i = 0; i < v.len; i++) {
      al_map_put(&s->index, v.items[i], (void *)1);
      free(v.items[i]);
    }
    al_vec_free(&v);
    free(cmd);
    free(q);
  }
  if (!al_map_get(&s->index, rel)) return false;
  char *qtop = quote(s->top), *qtmp = quote(s->tmp), *qrel = quote(rel);
  char *cmd = al_fmt("cd %s && git checkout-index -f --prefix=%s/ -- %s 2>/dev/null", qtop, qtmp, qrel);
  int ex = system(cmd);
  free(cmd);
  free(qtop);
  free(qtmp);
  free(qrel);
  return ex == 0;
}

int al_check_staged(const al_options *opts, FILE *out, FILE *err) {
  al_vec files = {0}, configs = {0};
  if (read_z("git diff --cached --name-only --diff-filter=ACMR -z 2>/dev/null", &files) < 0) {
    fprintf(err, "asynclint: --staged needs a git repository with an index (git diff --cached failed)\n");
    return 2;
  }
  read_z("git ls-files -z -- '.asynclint.yaml' '**/.asynclint.yaml' 'pyproject.toml' '**/pyproject.toml' 2>/dev/null",
         &configs);
  size_t keep = 0;
  for (size_t i = 0; i < files.len; i++) {
    if (al_lang_from_path(files.items[i]) != AL_LANG_NONE) files.items[keep++] = files.items[i];
    else free(files.items[i]);
  }
  files.len = keep;
  int rc = 0;
  if (!files.len) {
    if (!opts->quiet && opts->format == AL_FMT_TEXT) fprintf(out, "No staged files to check.\n");
    goto out_free;
  }
  char tmpl[] = "/tmp/asynclint-staged-XXXXXX";
  char *tmp = mkdtemp(tmpl);
  char cwd[PATH_MAX];
  char *top = NULL;
  FILE *tp = popen("git rev-parse --show-toplevel 2>/dev/null", "r");
  char line[PATH_MAX];
  if (tp && fgets(line, sizeof line, tp)) top = al_fmt("%.*s", (int)strcspn(line, "\n"), line);
  if (tp) pclose(tp);
  if (!tmp || !top || !getcwd(cwd, sizeof cwd)) {
    fprintf(err, "asynclint: --staged: cannot prepare a temporary folder: %s\n", strerror(errno));
    free(top);
    rc = 3;
    goto out_free;
  }
  /* export the staged versions (the index), paths relative to the repository root */
  al_buf cmd = {0};
  char *qtmp = quote(tmp), *qtop = quote(top);
  al_buf_printf(&cmd, "cd %s && git checkout-index -f --prefix=%s/ --", qtop, qtmp);
  al_vec *lists[2] = {&files, &configs};
  for (int l = 0; l < 2; l++)
    for (size_t i = 0; i < lists[l]->len; i++) {
      char *q = quote(lists[l]->items[i]);
      al_buf_printf(&cmd, " %s", q);
      free(q);
    }
  free(qtmp);
  free(qtop);
  int ex = system(cmd.data);
  al_buf_free(&cmd);
  if (ex != 0 || chdir(tmp) != 0) {
    fprintf(err, "asynclint: --staged: could not export the staged files\n");
    rc = 3;
  } else {
    /* `git diff --cached --name-only` paths are relative to the repository root */
    al_options o = *opts;
    char *real = realpath(tmp, NULL);
    staged_fetch sf = {.top = top, .tmp = real ? real : tmp};
    o.fetch_import = fetch_from_index;
    o.fetch_ctx = &sf;
    rc = al_check(&o, (const char *const *)files.items, (int)files.len, out, err);
    al_map_free(&sf.index);
    free(real);
    if (chdir(cwd) != 0) fprintf(err, "asynclint: --staged: cannot return to %s\n", cwd);
  }
  rm_tree(tmp);
  free(top);
out_free:
  for (size_t i = 0; i < files.len; i++) free(files.items[i]);
  for (size_t i = 0; i < configs.len; i++) free(configs.items[i]);
  al_vec_free(&files);
  al_vec_free(&configs);
  return rc;
}

int al_install_hook(bool force, FILE *out, FILE *err) {
  FILE *p = popen("git rev-parse --git-path hooks 2>/dev/null", "r");
  char line[PATH_MAX];
  char *hooks = NULL;
  if (p && fgets(line, sizeof line, p)) hooks = al_fmt("%.*s", (int)strcspn(line, "\n"), line);
  if (p && pclose(p) != 0) {
    free(hooks);
    hooks = NULL;
  }
  if (!hooks) {
    fprintf(err, "asynclint: install-hook: not inside a git repository\n");
    return 2;
  }
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    fprintf(err, "asynclint: install-hook: cannot find this program's path\n");
    free(hooks);
    return 3;
  }
  self[n] = 0;
  mkdir(hooks, 0777);
  char *path = al_fmt("%s/pre-commit", hooks);
  struct stat st;
  if (!force && stat(path, &st) == 0) {
    fprintf(err, "asynclint: install-hook: %s exists (use --force to replace it)\n", path);
    free(path);
    free(hooks);
    return 2;
  }
  char *q = quote(self);
  char *script = al_fmt("#!/bin/sh\n# installed by `asynclint install-hook`: lints what is staged for commit\n"
                        "exec %s check --staged\n", q);
  free(q);
  char *tmp = al_fmt("%s.asynclint-tmp", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0755);
  int rc = 0;
  size_t len = strlen(script);
  if (fd < 0 || write(fd, script, len) != (ssize_t)len || fsync(fd) != 0 || close(fd) != 0 ||
      rename(tmp, path) != 0) {
    fprintf(err, "asynclint: install-hook: cannot write %s: %s\n", path, strerror(errno));
    remove(tmp);
    rc = 3;
  } else {
    fprintf(out, "installed %s\n", path);
  }
  free(script);
  free(tmp);
  free(path);
  free(hooks);
  return rc;
}
