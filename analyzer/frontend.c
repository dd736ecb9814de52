/* frontend: dispatch by language, and module ids (how files name each other). */
#include "frontend.h"

#include <libgen.h>
#include <string.h>
#include <sys/stat.h>

/* tree-sitter counts rows by \n only; Python and JS also end a line at a lone \r. */
static bool has_lone_cr(const al_source *src) {
  for (const char *p = src->text, *end = src->text + src->len; (p = memchr(p, '\r', (size_t)(end - p))); p++)
    if (p + 1 >= end || p[1] != '\n') return true;
  return false;
}

static void respan(const al_source *src, ir_span *sp) {
  sp->line = al_source_line_of(src, sp->start);
  sp->col = sp->start - src->line_starts[sp->line - 1] + 1;
  sp->end_line = al_source_line_of(src, sp->end);
  sp->end_col = sp->end - src->line_starts[sp->end_line - 1] + 1;
}

static ir_file *fix_lines(const al_source *src, ir_file *f) {
  if (f && src->nlines && has_lone_cr(src))
    for (ir_node *x = f->root; x; x = ir_next(x, f->root)) respan(src, &x->span);
  return f;
}

ir_file *al_lower(const al_source *src, const al_lower_ctx *ctx, char **err) {
  switch (src->lang) {
  case AL_LANG_PYTHON: return fix_lines(src, al_lower_python(src, ctx, err));
  case AL_LANG_JS: return fix_lines(src, al_lower_javascript(src, ctx, err));
  case AL_LANG_C: return al_lower_c(src, ctx, err);
  default: *err = al_fmt("unknown language"); return NULL;
  }
}

static bool is_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Python: the dotted path from the first folder upward that is not a package. */
static char *python_module(const char *abs_path) {
  char *copy = al_strdup(abs_path);
  char *base = strrchr(copy, '/');
  char *stem = al_strdup(base ? base + 1 : copy);
  char *dot = strrchr(stem, '.');
  if (dot) *dot = 0;
  al_vec parts = {0};
  if (strcmp(stem, "__init__") != 0) al_vec_push(&parts, al_strdup(stem));
  free(stem);
  if (base) *base = 0;
  /* Walk up while the folder is a package (has __init__.py). */
  for (int level = 0; level < 64 && *copy; level++) {
    char *init = al_fmt("%s/__init__.py", copy);
    bool pkg = is_file(init);
    free(init);
    if (!pkg) break;
    char *slash = strrchr(copy, '/');
    al_vec_push(&parts, al_strdup(slash ? slash + 1 : copy));
    if (!slash) break;
    *slash = 0;
  }
  al_buf b = {0};
  for (size_t i = parts.len; i-- > 0;) {
    if (b.len) al_buf_puts(&b, ".");
    al_buf_puts(&b, parts.items[i]);
    free(parts.items[i]);
  }
  al_vec_free(&parts);
  free(copy);
  return al_buf_steal(&b);
}

char *al_module_id(const char *abs_path, al_lang lang) {
  if (lang == AL_LANG_PYTHON) return python_module(abs_path);
  if (lang == AL_LANG_JS) {
    static const char *const exts[] = {".js", ".mjs", ".cjs", ".jsx", NULL};
    for (int i = 0; exts[i]; i++)
      if (al_ends_with(abs_path, exts[i])) return al_strndup(abs_path, strlen(abs_path) - strlen(exts[i]));
  }
  return al_strdup(abs_path);
}
