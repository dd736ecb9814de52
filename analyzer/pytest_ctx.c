/* pytest_ctx: see pytest_ctx.h. */
#include "pytest_ctx.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kb.h"

#define MAX_CONFIG_BYTES (1u << 20) /* larger files are read this far */

static bool ident_byte(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool al_pytest_file_name(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  if (n < 8 || strcmp(base + n - 3, ".py")) return false;
  return !strncmp(base, "test_", 5) || (n > 8 && !strncmp(base + n - 8, "_test.py", 8));
}

/* The value after `name` at p (`= auto`, `: "strict"`, `=strict`) is v. */
static bool value_is(const char *p, const char *end, const char *v) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '=' || *p == ':' || *p == '"' || *p == '\''))
    p++;
  size_t n = strlen(v);
  return (size_t)(end - p) >= n && !strncmp(p, v, n) && (p + n == end || !ident_byte(p[n]));
}

bool al_pytest_text_runs_async(const char *text, size_t len) {
  const al_kb_section *sec = al_kb_section_get(al_kb_for(AL_LANG_PYTHON), "pytest_async_settings");
  const char *end = text + len;
  for (size_t i = 0; sec && i < sec->entries.len; i++) {
    const al_kb_entry *e = sec->entries.items[i];
    const char *not = al_kb_attr(e, "value_not");
    size_t n = strlen(e->name);
    for (const char *p = text; p < end && (p = memmem(p, (size_t)(end - p), e->name, n)); p += n) {
      if ((p > text && ident_byte(p[-1])) || (p + n < end && ident_byte(p[n]))) continue;
      if (!not || !value_is(p + n, end, not)) return true;
    }
  }
  return false;
}

/* What a file of the folder says: it is pytest's (`section`: the header that makes a
 * shared settings file pytest's; NULL: the file is pytest's by its name), and whether it
 * names a setting that runs coroutine tests. */
static uint8_t file_flags(const char *dir, const char *name, const char *section) {
  char *path = al_fmt("%s/%s", strcmp(dir, "/") ? dir : "", name);
  struct stat st;
  uint8_t flags = 0;
  FILE *fh = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? fopen(path, "rb") : NULL;
  if (fh) {
    size_t cap = (size_t)st.st_size < MAX_CONFIG_BYTES ? (size_t)st.st_size : MAX_CONFIG_BYTES;
    char *buf = al_malloc(cap + 1);
    size_t got = fread(buf, 1, cap, fh);
    if (!section || memmem(buf, got, section, strlen(section))) flags |= AL_PYTEST_CONFIGURED;
    if (al_pytest_text_runs_async(buf, got)) flags |= AL_PYTEST_RUNS_ASYNC;
    free(buf);
    fclose(fh);
  }
  free(path);
  return flags;
}

/* The folder's own files, then the folders above it (memoized: 1 + flags). */
static uint8_t dir_flags(al_map *memo, const char *dir, int depth) {
  void *v = al_map_get(memo, dir);
  if (v) return (uint8_t)((uintptr_t)v - 1);
  static const struct { const char *name, *section; } files[] = {
      {"conftest.py", NULL}, {"pytest.ini", NULL}, {".pytest.ini", NULL}, {"pyproject.toml", "[tool.pytest"},
      {"tox.ini", "[pytest]"}, {"setup.cfg", "[tool:pytest]"}};
  const uint8_t all = AL_PYTEST_RUNS_ASYNC | AL_PYTEST_CONFIGURED;
  uint8_t flags = 0;
  for (size_t i = 0; i < sizeof files / sizeof *files && flags != all; i++)
    flags |= file_flags(dir, files[i].name, files[i].section);
  if (flags != all && depth < 64) {
    char *tmp = al_strdup(dir); /* dirname may write into its argument */
    char *up = al_strdup(dirname(tmp));
    if (strcmp(up, dir)) flags |= dir_flags(memo, up, depth + 1);
    free(up);
    free(tmp);
  }
  al_map_put(memo, dir, (void *)(uintptr_t)(flags + 1));
  return flags;
}

uint8_t al_pytest_context(al_map *memo, const char *abs_path) {
  if (!al_pytest_file_name(abs_path)) return 0;
  char *tmp = al_strdup(abs_path);
  char *dir = al_strdup(dirname(tmp));
  uint8_t flags = AL_PYTEST_FILE | dir_flags(memo, dir, 0);
  free(dir);
  free(tmp);
  return flags;
}
