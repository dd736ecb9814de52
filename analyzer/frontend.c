/* frontend: dispatch by language, and module ids (how files name each other). */
#include "frontend.h"

#include <ctype.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
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
}

static ir_file *fix_lines(const al_source *src, ir_file *f) {
  if (f && src->nlines && has_lone_cr(src))
    for (ir_node *x = f->root; x; x = ir_next(x, f->root)) respan(src, &x->span);
  return f;
}

/* The functions of a file by name: open addressing over their pointers (no copies). */
typedef struct {
  ir_node **slot;
  size_t mask;
} func_table;

static ir_node *func_get(const func_table *t, const char *name, size_t n) {
  for (size_t i = al_hash_fast(name, n) & t->mask;; i = (i + 1) & t->mask) {
    ir_node *x = t->slot[i];
    if (!x) return NULL;
    if (!strncmp(x->name, name, n) && !x->name[n]) return x;
  }
}

/* t over f's named functions without any of the `skip` flags (the first of a name: a
 * redefinition keeps it); nfuncs of them at most. small holds 256 slots, used when they
 * suffice; func_table_free releases the rest. */
static void func_table_fill(func_table *t, ir_node **small, ir_file *f, size_t nfuncs, uint32_t skip) {
  size_t cap = 16;
  while (cap < nfuncs * 2) cap *= 2;
  t->slot = cap <= 256 ? memset(small, 0, cap * sizeof *small) : al_calloc(cap, sizeof *t->slot);
  t->mask = cap - 1;
  for (ir_node *const *at = ir_of_kind(f, IR_FUNC); *at; at++) {
    ir_node *x = *at;
    if (!x->name || (x->flags & skip)) continue;
    size_t i = al_hash_fast(x->name, strlen(x->name)) & t->mask;
    while (t->slot[i] && strcmp(t->slot[i]->name, x->name)) i = (i + 1) & t->mask;
    if (!t->slot[i]) t->slot[i] = x;
  }
}

static void func_table_free(func_table *t, ir_node **small) {
  if (t->slot != small) free(t->slot);
}

/* The function of f a callback argument names: `on_done`, `self.on_done` / `this.onTick`
 * (a method of the class around the call), `this.onTick.bind(this)`. */
static ir_node *named_callback(const func_table *t, const ir_node *call, const char *arg) {
  size_t n = 0;
  while (isalnum((unsigned char)arg[n]) || arg[n] == '_' || arg[n] == '$' || arg[n] == '.') n++;
  if (arg[n] == '(' && n > 5 && !strncmp(arg + n - 5, ".bind", 5)) n -= 5; /* `this.x.bind(this)` */
  else if (arg[n]) return NULL;
  const char *dot = memchr(arg, '.', n);
  if (!dot) {
    /* a function defined in the function around the call first (`def inner(): ...`,
     * `const cb = () => ...`, `cb = lambda: ...`: named after it, `outer.inner`), the
     * innermost first; then the module's */
    ir_node *x = NULL;
    for (const ir_node *fn = ir_enclosing_func(call); !x && fn; fn = ir_enclosing_func(fn)) {
      char key[256]; /* "outer.name", joined by hand (snprintf: ~900 instructions a call) */
      size_t fl = fn->name ? strlen(fn->name) : 0;
      if (fl == 11 && (fn->flags & IR_F_LAMBDA) && !memcmp(fn->name, "<anonymous>", 11)) {
        /* JS: a function declared in an anonymous callback is `<anonymous@L>.name` (L written
         * by hand too) */
        char digits[10];
        size_t nd = 0;
        for (uint32_t line = fn->span.line; nd == 0 || line; line /= 10) digits[nd++] = (char)('0' + line % 10);
        memcpy(key, "<anonymous@", 11);
        for (fl = 11; nd; fl++) key[fl] = digits[--nd];
        key[fl++] = '>';
      } else if (fl && fl + 1 + n < sizeof key) {
        memcpy(key, fn->name, fl);
      }
      if (!fl || fl + 1 + n >= sizeof key) continue;
      key[fl] = '.';
      memcpy(key + fl + 1, arg, n);
      x = func_get(t, key, fl + 1 + n);
    }
    return x ? x : func_get(t, arg, n);
  }
  if (memchr(dot + 1, '.', n - (size_t)(dot + 1 - arg)) || (strncmp(arg, "self.", 5) && strncmp(arg, "this.", 5)))
    return NULL;
  for (const ir_node *c = call->parent; c; c = c->parent) {
    if (c->kind != IR_CLASS || !c->name) continue;
    char key[256];
    int k = snprintf(key, sizeof key, "%s.%.*s", c->name, (int)(n - 5), arg + 5);
    return k > 0 && (size_t)k < sizeof key ? func_get(t, key, (size_t)k) : NULL;
  }
  return NULL;
}

/* Python/JS: a function of this file handed by name to an API that calls it from the
 * event loop (knowledge `loop_callbacks`; `arg`: its position), or a method the loop
 * calls on a protocol class (knowledge `loop_callback_classes`), runs on the loop:
 * IR_F_LOOP_CALLBACK, and text names the API. Inline functions are judged where they
 * stand (rules/common.c al_on_loop). */
static ir_file *mark_loop_callbacks(ir_file *f) {
  if (!f) return f;
  const al_kb *kb = al_kb_for(f->lang);
  const al_kb_section *classes = al_kb_section_get(kb, "loop_callback_classes");
  size_t nfuncs = 0;
  for (ir_node *const *at = ir_of_kind(f, IR_FUNC); *at; at++)
    if ((*at)->name && !((*at)->flags & IR_F_ASYNC)) nfuncs++; /* (a lambda stored in a name too) */
  for (ir_node *const *at = ir_of_kind(f, IR_CLASS); *at && classes; at++) {
    ir_node *x = *at;
    if (!x->nargs) continue;
    for (uint32_t i = 0; i < x->nargs; i++) { /* class P(asyncio.Protocol): its callbacks */
      char base[200];
      snprintf(base, sizeof base, "%s%s%s", x->args[i].keyword ? x->args[i].keyword : "",
               x->args[i].keyword ? "." : "", x->args[i].text ? x->args[i].text : "");
      const al_kb_entry *e = al_kb_find(kb, "loop_callback_classes", base);
      const char *methods = e ? al_kb_attr(e, "methods") : NULL;
      if (!methods) continue;
      for (ir_node *m = x->child; m; m = m->next) {
        if (m->kind != IR_FUNC || !m->name || (m->flags & IR_F_ASYNC)) continue;
        const char *last = strrchr(m->name, '.');
        last = last ? last + 1 : m->name;
        size_t ln = strlen(last);
        for (const char *s = methods; (s = strstr(s, last)); s += ln)
          if ((s == methods || s[-1] == ' ') && (s[ln] == ' ' || !s[ln])) {
            m->flags |= IR_F_LOOP_CALLBACK;
            m->text = e->name;
            break;
          }
      }
    }
  }
  if (nfuncs && al_kb_section_get(kb, "loop_callbacks")) {
    ir_node *small[256];
    func_table t = {0};
    func_table_fill(&t, small, f, nfuncs, IR_F_ASYNC);
    for (ir_node *const *at = ir_of_kind(f, IR_CALL); *at; at++) {
      ir_node *x = *at;
      if (!x->name || !x->nargs) continue;
      const al_kb_entry *e = NULL;
      bool looked = false;
      for (uint32_t i = 0; i < x->nargs; i++) {
        if (!x->args[i].text || x->args[i].keyword) continue;
        ir_node *fn = named_callback(&t, x, x->args[i].text);
        if (!fn) continue;
        if (!looked) e = al_kb_match(kb, "loop_callbacks", x->name), looked = true; /* only when a name hits */
        if (!e) break;
        const char *pos = al_kb_attr(e, "arg");
        if (pos && strtoul(pos, NULL, 10) != i) continue;
        fn->flags |= IR_F_LOOP_CALLBACK;
        if (!fn->text) fn->text = x->name;
      }
    }
    func_table_free(&t, small);
  }
  return f;
}

/* Renames the calls on `param` (`writer.drain`) in fn's own body (not nested functions)
 * to methods of type (`asyncio.StreamWriter.drain`). */
static void type_param_calls(ir_file *f, ir_node *fn, const char *param, const char *type, size_t tl) {
  size_t pl = strlen(param);
  for (ir_node *c = fn->child; c; c = c->kind == IR_FUNC ? ir_next_skip(c, fn) : ir_next(c, fn)) {
    if (c->kind != IR_CALL || c->module || !c->name || strncmp(c->name, param, pl) || c->name[pl] != '.') continue;
    c->name = c->member = al_arena_fmt(&f->arena, "%.*s%s", (int)tl, type, c->name + pl);
  }
}

/* The table of f's named functions, made when a registration is first met (most files
 * have none). */
static void func_table_ensure(func_table *t, ir_node **small, ir_file *f) {
  if (t->slot) return;
  size_t nfuncs = 0;
  for (ir_node *const *at = ir_of_kind(f, IR_FUNC); *at; at++) nfuncs++;
  func_table_fill(t, small, f, nfuncs, IR_F_LAMBDA);
}

/* fn's parameters from the first on take the types of the comma-separated list, each
 * prefixed with `mod.` when mod is given: calls on them become that type's methods. */
static void type_fn_params(ir_file *f, ir_node *fn, uint32_t first, const char *types, const char *mod) {
  size_t ml = mod ? strlen(mod) : 0;
  for (uint32_t i = first; *types && i < fn->nargs; i++) {
    size_t tl = strcspn(types, ",");
    if (fn->args[i].text && tl && ml + 1 + tl < 256) {
      char type[256]; /* [mod.]Type */
      size_t n = 0;
      if (mod) {
        memcpy(type, mod, ml);
        type[ml] = '.';
        n = ml + 1;
      }
      memcpy(type + n, types, tl);
      type_param_calls(f, fn, fn->args[i].text, type, n + tl);
    }
    types += tl;
    while (*types == ',' || *types == ' ') types++;
  }
}

/* Python: a function of this file handed to an API that calls it with arguments of known
 * types (knowledge `callback_param_types`: `asyncio.start_server(handle)` calls
 * handle(reader, writer) with a StreamReader and a StreamWriter): calls on those
 * parameters in its body are methods of those types (`writer.drain()` is a coroutine). */
static void type_callback_params(ir_file *f) {
  const al_kb *kb = al_kb_for(f->lang);
  if (!al_kb_section_get(kb, "callback_param_types")) return;
  ir_node *small[256];
  func_table t = {0};
  for (ir_node *const *at = ir_of_kind(f, IR_CALL); *at; at++) {
    ir_node *x = *at;
    if (!x->name || !x->nargs) continue;
    const al_kb_entry *e = al_kb_match(kb, "callback_param_types", x->name);
    const char *types = e ? al_kb_attr(e, "types") : NULL;
    const char *pos = e ? al_kb_attr(e, "arg") : NULL;
    uint32_t at = pos ? (uint32_t)strtoul(pos, NULL, 10) : 0;
    if (!types || at >= x->nargs || !x->args[at].text || x->args[at].keyword) continue;
    func_table_ensure(&t, small, f);
    ir_node *fn = named_callback(&t, x, x->args[at].text);
    if (fn) type_fn_params(f, fn, fn->flags & IR_F_METHOD ? 1 : 0 /* self */, types, NULL);
  }
  if (t.slot) func_table_free(&t, small);
}

/* Does f import module (`import asyncio`, `from asyncio import ...`)? */
static bool imports_module(ir_file *f, const char *module) {
  for (ir_node *const *at = ir_of_kind(f, IR_IMPORT); *at; at++)
    if ((*at)->name && !strcmp((*at)->name, module)) return true;
  return false;
}

/* Python: untyped parameters of an async function named by a library's convention, in a
 * file importing it (knowledge `param_name_types`: `async def handle(self, reader, writer)`
 * beside `import asyncio` is a stream handler, whoever registers it): calls on them are
 * that type's methods (`writer.drain()` is a coroutine), as for `callback_param_types`. */
static void type_conventional_params(ir_file *f) {
  const al_kb_section *sec = al_kb_section_get(al_kb_for(f->lang), "param_name_types");
  for (size_t k = 0; sec && k < sec->entries.len; k++) {
    const al_kb_entry *e = sec->entries.items[k];
    const char *types = al_kb_attr(e, "types"), *mod = al_kb_attr(e, "module");
    if (!types || !mod || !imports_module(f, mod)) continue;
    for (ir_node *const *at = ir_of_kind(f, IR_FUNC); *at; at++) {
      ir_node *fn = *at;
      if (!(fn->flags & IR_F_ASYNC)) continue;
      for (uint32_t i = 0; i < fn->nargs; i++) {
        const char *names = e->name;
        uint32_t j = i;
        for (; *names && j < fn->nargs; j++) { /* the names, in order, from parameter i */
          size_t n = strcspn(names, ",");
          const ir_arg *a = &fn->args[j];
          if (!a->text || a->ref_member || strlen(a->text) != n || strncmp(a->text, names, n)) break;
          names += n;
          while (*names == ',' || *names == ' ') names++;
        }
        if (*names) continue;
        type_fn_params(f, fn, i, types, NULL);
        break;
      }
    }
  }
}

/* JS: a function of this file handed by name to an API that calls it with arguments of
 * known types (knowledge `callback_params` with positional `params`: node:test's
 * `test('t', sharedBody)` with `async function sharedBody(t) {...}`): calls on those
 * parameters in its body are that type's methods (`t.test()`, a promise). The front end
 * types an inline function itself; only files importing a typed package, or calling a
 * global one (`Deno.test`: knowledge `global`), are walked. */
static void type_named_callbacks(ir_file *f) {
  if (!f || !f->typed_apis) return;
  const al_kb *kb = al_kb_for(f->lang);
  ir_node *small[256];
  func_table t = {0};
  for (ir_node *const *at = ir_of_kind(f, IR_CALL); *at; at++) {
    ir_node *x = *at;
    if (!x->name || !x->nargs) continue;
    const ir_arg *last = &x->args[x->nargs - 1];
    if (!last->text || (last->flags & (IR_ARG_LAMBDA | IR_ARG_LITERAL | IR_ARG_NULL | IR_ARG_SPREAD))) continue;
    const al_kb_entry *e = al_kb_match(kb, "callback_params", x->name);
    const char *types = e ? al_kb_attr(e, "params") : NULL, *mod = e ? al_kb_attr(e, "module") : NULL;
    const char *from = e ? al_kb_attr(e, "from") : NULL;
    if (!types || !mod || (x->module ? from && strcmp(x->module, from) : !al_kb_attr(e, "global"))) continue;
    func_table_ensure(&t, small, f);
    ir_node *fn = named_callback(&t, x, last->text);
    if (fn) type_fn_params(f, fn, 0, types, mod);
  }
  if (t.slot) func_table_free(&t, small);
}

static ir_file *lower_python(const al_source *src, const al_lower_ctx *ctx, char **err) {
  ir_file *f = mark_loop_callbacks(fix_lines(src, al_lower_python(src, ctx, err)));
  if (f) type_callback_params(f), type_conventional_params(f);
  return f;
}

ir_file *al_lower(const al_source *src, const al_lower_ctx *ctx, char **err) {
  switch (src->lang) {
  case AL_LANG_PYTHON: return lower_python(src, ctx, err);
  case AL_LANG_JS: {
    ir_file *f = mark_loop_callbacks(fix_lines(src, al_lower_javascript(src, ctx, err)));
    type_named_callbacks(f);
    return f;
  }
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
    /* a declaration file is the module its imports name: `./types` for types.d.ts */
    size_t len = strlen(abs_path), strip;
    const char *keep = al_js_module_suffix(abs_path, len, &strip, true);
    if (keep) return al_fmt("%.*s%s", (int)(len - strip), abs_path, keep);
  }
  return al_strdup(abs_path);
}

const char *al_js_module_suffix(const char *path, size_t len, size_t *strip, bool declarations) {
  static const struct {
    const char *ext, *keep;
  } exts[] = {{".d.ts", ""},  {".d.mts", ".mjs"}, {".d.cts", ".cjs"}, {".js", ""},     {".mjs", ".mjs"},
              {".cjs", ".cjs"}, {".jsx", ""},      {".ts", ""},        {".mts", ".mjs"}, {".cts", ".cjs"},
              {".tsx", ""}};
  for (size_t i = declarations ? 0 : 3; i < sizeof exts / sizeof *exts; i++) {
    size_t el = strlen(exts[i].ext);
    if (len > el && !memcmp(path + len - el, exts[i].ext, el)) {
      *strip = el;
      return exts[i].keep;
    }
  }
  *strip = 0;
  return NULL;
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

/* The candidates of one import: Python `name` (dotted, absolute) with `member` (from
 * name import member; NULL or "*": none) under root; JS `name`, an absolute path. */
static void import_candidates(al_lang lang, const char *root, const char *name, size_t nlen, const char *member,
                              size_t mlen, void (*visit)(const char *, void *), void *ctx) {
  al_buf b = {0};
  if (lang == AL_LANG_PYTHON && root && nlen && name[0] != '.') {
    al_buf_puts(&b, root);
    al_buf_puts(&b, "/");
    for (size_t i = 0; i < nlen; i++) al_buf_add(&b, name[i] == '.' ? "/" : name + i, 1);
    size_t keep = b.len;
    candidate(&b, keep, ".py", visit, ctx);
    candidate(&b, keep, "/__init__.py", visit, ctx);
    if (member && mlen && !(mlen == 1 && *member == '*')) { /* from pkg import submodule */
      b.len = keep;
      al_buf_puts(&b, "/");
      al_buf_add(&b, member, mlen);
      keep = b.len;
      candidate(&b, keep, ".py", visit, ctx);
      candidate(&b, keep, "/__init__.py", visit, ctx);
    }
  } else if (lang == AL_LANG_JS && nlen && name[0] == '/') {
    al_buf_add(&b, name, nlen);
    size_t strip;
    const char *own = al_js_module_suffix(b.data, b.len, &strip, false);
    if (own && *own) { /* `./a.mjs` (or `./a.mts`): a.mjs, or the TypeScript it is built from */
      size_t stem = b.len - strip;
      bool esm = own[1] == 'm';
      static const char *const mjs[] = {".mjs", ".mts", ".d.mts"}, *const cjs[] = {".cjs", ".cts", ".d.cts"};
      for (size_t k = 0; k < 3; k++) candidate(&b, stem, esm ? mjs[k] : cjs[k], visit, ctx);
      al_buf_free(&b);
      return;
    }
    if (own) b.len -= strip; /* `./a.js` is also a.ts (TypeScript's ES module imports name the output) */
    size_t keep = b.len;
    static const char *const sfx[] = {"", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".d.ts", "/index.js",
                                      "/index.mjs", "/index.ts", "/index.d.ts"};
    for (size_t k = 0; k < sizeof sfx / sizeof *sfx; k++) candidate(&b, keep, sfx[k], visit, ctx);
  }
  al_buf_free(&b);
}

void al_import_candidates(const ir_file *f, const char *abs_path, void (*visit)(const char *path, void *ctx),
                          void *ctx) {
  char *root = f->lang == AL_LANG_PYTHON && f->module ? python_root(abs_path, f->module) : NULL;
  for (const ir_node *x = f->root; x; x = ir_next(x, f->root)) {
    if (x->kind != IR_IMPORT || !x->name || !*x->name) continue;
    import_candidates(f->lang, root, x->name, strlen(x->name), x->member, x->member ? strlen(x->member) : 0,
                      visit, ctx);
  }
  free(root);
}

static bool ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

static const char *skip_blank(const char *p, const char *e) {
  while (p < e && (*p == ' ' || *p == '\t' || *p == '\\' || *p == '\r')) p++;
  return p;
}

/* Python, from the text: `import a.b, c as d` and `from .x import y, (z)` at the start of
 * a line (indented too). Relative names resolve against the file's package. */
static void scan_python(const al_source *src, const char *root, const char *module, bool is_pkg,
                        void (*visit)(const char *, void *), void *ctx) {
  const char *t = src->text, *e = t + src->len;
  for (const char *line = t; line < e;) {
    const char *eol = memchr(line, '\n', (size_t)(e - line));
    if (!eol) eol = e;
    const char *p = skip_blank(line, eol);
    bool from = eol - p > 5 && !memcmp(p, "from", 4) && (p[4] == ' ' || p[4] == '\t');
    bool imp = eol - p > 7 && !memcmp(p, "import", 6) && (p[6] == ' ' || p[6] == '\t');
    if (imp) { /* import a.b, c as d */
      p += 6;
      while (p < eol) {
        p = skip_blank(p, eol);
        const char *n = p;
        while (p < eol && (ident_char(*p) || *p == '.')) p++;
        if (p > n) import_candidates(AL_LANG_PYTHON, root, n, (size_t)(p - n), NULL, 0, visit, ctx);
        while (p < eol && *p != ',' && *p != '#') p++;
        if (p >= eol || *p == '#') break;
        p++;
      }
    } else if (from) { /* from [.]*name import a, b */
      p = skip_blank(p + 4, eol);
      size_t dots = 0;
      while (p < eol && *p == '.') dots++, p++;
      const char *n = p;
      while (p < eol && (ident_char(*p) || *p == '.')) p++;
      size_t nlen = (size_t)(p - n);
      al_buf abs = {0}; /* the absolute module */
      if (dots) {
        size_t keep = strlen(module), up = dots - (is_pkg ? 1 : 0);
        for (size_t k = 0; k < up; k++) {
          while (keep && module[keep - 1] != '.') keep--;
          if (keep) keep--; /* the dot */
        }
        size_t parts = 1;
        for (const char *m = module; *m; m++) parts += *m == '.';
        if (up >= parts) { /* above the top package: names nothing we can find */
          line = eol < e ? eol + 1 : e;
          continue;
        }
        al_buf_add(&abs, module, keep);
        if (nlen && abs.len) al_buf_puts(&abs, ".");
      }
      al_buf_add(&abs, n, nlen);
      p = skip_blank(p, eol);
      if (abs.len && eol - p > 6 && !memcmp(p, "import", 6)) {
        p += 6;
        const char *stop = eol;
        p = skip_blank(p, stop);
        if (p < e && *p == '(') { /* a parenthesized list may span lines */
          const char *close = memchr(p, ')', (size_t)(e - p));
          stop = close ? close : e;
          p++;
        }
        while (p < stop) {
          while (p < stop && !ident_char(*p) && *p != '*') p++;
          const char *m = p;
          while (p < stop && (ident_char(*p) || *p == '*')) p++;
          if (p > m) import_candidates(AL_LANG_PYTHON, root, abs.data, abs.len, m, (size_t)(p - m), visit, ctx);
          while (p < stop && *p != ',' && *p != '#') p++; /* past `as name` */
          if (p < stop && *p == '#') {
            const char *nl = memchr(p, '\n', (size_t)(stop - p));
            p = nl ? nl : stop;
          } else if (p < stop) {
            p++;
          }
        }
        if (stop > eol) eol = stop;
      }
      al_buf_free(&abs);
    }
    line = eol < e ? eol + 1 : e;
  }
}

/* JS, from the text: a relative specifier ('./x', "../y") right after `require(`,
 * `import(`, `from`, or `import`, outside comments (JSDoc's `{import("./T")}` types are
 * no imports). */
static void scan_javascript(const al_source *src, const char *abs_path, void (*visit)(const char *, void *),
                            void *ctx) {
  const char *t = src->text, *e = t + src->len;
  const char *slash = strrchr(abs_path, '/');
  size_t dlen = slash ? (size_t)(slash - abs_path) : 0;
  for (const char *q = t; q < e; q++) {
    if (*q == '/' && q + 1 < e && (q[1] == '/' || q[1] == '*')) { /* a comment */
      const char *end = q[1] == '/' ? memchr(q, '\n', (size_t)(e - q)) : memmem(q + 2, (size_t)(e - q - 2), "*/", 2);
      if (!end) break;
      q = end;
      continue;
    }
    if (*q != '\'' && *q != '"' && *q != '`') continue;
    char quote = *q;
    const char *end = q + 1; /* the closing quote */
    while (end < e && *end != quote && (quote == '`' || *end != '\n')) end += *end == '\\' ? 2 : 1;
    if (end >= e) break;
    const char *dot = q + 1;
    bool rel = end - dot > 2 && dot[0] == '.' && (dot[1] == '/' || (dot[1] == '.' && dot[2] == '/'));
    const char *k = q; /* before the quote: `require(`, `import(`, `from`, `import` */
    while (rel && k > t && (k[-1] == ' ' || k[-1] == '\t')) k--;
    bool call = rel && k > t && k[-1] == '(';
    if (call) {
      k--;
      while (k > t && (k[-1] == ' ' || k[-1] == '\t')) k--;
    }
    const char *w = k;
    while (rel && w > t && ident_char(w[-1])) w--;
    size_t wl = (size_t)(k - w);
    bool ok = rel && (call ? (wl == 7 && !memcmp(w, "require", 7)) || (wl == 6 && !memcmp(w, "import", 6))
                           : (wl == 4 && !memcmp(w, "from", 4)) || (wl == 6 && !memcmp(w, "import", 6)));
    if (ok && end - dot < 1024) {
      al_buf p = {0};
      al_buf_add(&p, abs_path, dlen);
      al_buf_puts(&p, "/");
      al_buf_add(&p, dot, (size_t)(end - dot));
      import_candidates(AL_LANG_JS, NULL, p.data, p.len, NULL, 0, visit, ctx);
      al_buf_free(&p);
    }
    q = end;
  }
}

void al_scan_import_candidates(const al_source *src, const char *abs_path, const char *module,
                               void (*visit)(const char *path, void *ctx), void *ctx) {
  if (src->lang == AL_LANG_PYTHON && module) {
    char *root = python_root(abs_path, module);
    scan_python(src, root, module, al_ends_with(abs_path, "/__init__.py"), visit, ctx);
    free(root);
  } else if (src->lang == AL_LANG_JS) {
    scan_javascript(src, abs_path, visit, ctx);
  }
}
