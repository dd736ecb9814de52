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

/* Python: the folder the module id is rooted at (path minus one folder a component). */
static char *python_root(const char *path, const char *module) {
  char *r = al_strdup(path);
  char *slash = strrchr(r, '/');
  if (!slash) {
    free(r);
    return NULL;
  }
  *slash = 0; /* the file's folder */
  size_t parts = 1;
  for (const char *m = module; *m; m++) parts += *m == '.';
  if (!al_ends_with(path, "/__init__.py")) parts--; /* the file itself was one */
  for (size_t i = 0; i < parts; i++) {
    slash = strrchr(r, '/');
    if (!slash) break;
    *slash = 0;
  }
  return r;
}

static void candidate(al_buf *b, size_t keep, const char *suffix, void (*visit)(const char *, void *), void *ctx) {
  b->len = keep;
  al_buf_puts(b, suffix);
  visit(b->data, ctx);
}

void al_import_candidates(const ir_file *f, const char *abs_path, void (*visit)(const char *path, void *ctx),
                          void *ctx) {
  char *root = f->lang == AL_LANG_PYTHON && f->module ? python_root(abs_path, f->module) : NULL;
  for (const ir_node *x = f->root; x; x = ir_next(x, f->root)) {
    if (x->kind != IR_IMPORT || !x->name || !*x->name) continue;
    al_buf b = {0};
    if (f->lang == AL_LANG_PYTHON && root && x->name[0] != '.') {
      al_buf_puts(&b, root);
      al_buf_puts(&b, "/");
      for (const char *m = x->name; *m; m++) al_buf_add(&b, *m == '.' ? "/" : m, 1);
      size_t keep = b.len;
      candidate(&b, keep, ".py", visit, ctx);
      candidate(&b, keep, "/__init__.py", visit, ctx);
      if (x->member && strcmp(x->member, "*")) { /* from pkg import submodule */
        b.len = keep;
        al_buf_puts(&b, "/");
        al_buf_puts(&b, x->member);
        keep = b.len;
        candidate(&b, keep, ".py", visit, ctx);
        candidate(&b, keep, "/__init__.py", visit, ctx);
      }
    } else if (f->lang == AL_LANG_JS && x->name[0] == '/') {
      al_buf_puts(&b, x->name);
      size_t keep = b.len;
      static const char *const sfx[] = {"", ".js", ".mjs", ".cjs", ".jsx", "/index.js", "/index.mjs"};
      for (size_t k = 0; k < sizeof sfx / sizeof *sfx; k++) candidate(&b, keep, sfx[k], visit, ctx);
    }
    al_buf_free(&b);
  }
  free(root);
}
