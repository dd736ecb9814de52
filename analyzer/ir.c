/* ir: node creation, non-recursive traversal and the printer used by dump-ir and
 * the front-end unit tests. */
#include "ir.h"

#include <stdatomic.h>

#include <string.h>

ir_file *ir_file_new(const al_source *src, const char *module) {
  static atomic_uint_fast64_t serials;
  ir_file *f = al_calloc(1, sizeof *f);
  f->serial = atomic_fetch_add(&serials, 1) + 1;
  al_arena_init(&f->arena);
  f->src = src;
  f->lang = src->lang;
  f->module = module ? al_arena_strdup(&f->arena, module) : NULL;
  ir_span sp = {0, (uint32_t)src->len, 1, 1, src->nlines, 1};
  f->root = ir_add(f, NULL, IR_FILE, sp);
  f->root->name = al_arena_strdup(&f->arena, src->path);
  return f;
}

void ir_file_free(ir_file *f) {
  if (!f) return;
  al_arena_free(&f->arena);
  free(f);
}

ir_node *ir_add(ir_file *f, ir_node *parent, ir_kind kind, ir_span span) {
  ir_node *n = al_arena_alloc(&f->arena, sizeof *n);
  n->kind = (uint8_t)kind;
  n->span = span;
  n->parent = parent;
  if (parent) {
    n->func = parent->kind == IR_FUNC ? parent : parent->func;
    if (parent->last) parent->last->next = n;
    else parent->child = n;
    parent->last = n;
  }
  return n;
}

const char *ir_str(ir_file *f, const char *s, size_t n) { return al_arena_strndup(&f->arena, s, n); }

ir_node *const *ir_of_kind(const ir_file *cf, ir_kind k) {
  static ir_node *const none[1] = {NULL};
  ir_file *f = (ir_file *)cf; /* (the lists are a cache: built once, on the checking thread) */
  if (!f->root || (unsigned)k >= IR__COUNT) return none;
  if (!f->by_kind) {
    uint32_t count[IR__COUNT] = {0}, total = 0;
    for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) count[n->kind < IR__COUNT ? n->kind : IR_FILE]++;
    for (unsigned i = 0; i < IR__COUNT; i++) {
      f->kind_at[i] = total;
      total += count[i] + 1;
    }
    ir_node **all = al_arena_alloc(&f->arena, (size_t)total * sizeof *all); /* zeroed: the NULLs */
    uint32_t at[IR__COUNT];
    memcpy(at, f->kind_at, sizeof at);
    for (ir_node *n = f->root; n; n = ir_next(n, f->root)) all[at[n->kind < IR__COUNT ? n->kind : IR_FILE]++] = n;
    f->by_kind = all;
  }
  return f->by_kind + f->kind_at[k];
}

ir_node *ir_next_skip(const ir_node *n, const ir_node *root) {
  while (n && n != root) {
    if (n->next) return n->next;
    n = n->parent;
  }
  return NULL;
}

ir_node *ir_next(const ir_node *n, const ir_node *root) {
  if (n->child) return n->child;
  return ir_next_skip(n, root);
}

ir_node *ir_enclosing_func(const ir_node *n) {
  const ir_node *p = n->parent; /* not n->func: rules also ask for made-up nodes hung below real ones */
  if (!p) return NULL;
  return p->kind == IR_FUNC ? (ir_node *)p : p->func;
}

static bool ident_char(char c) {
  return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool ir_has_param(const ir_node *fn, const char *name, size_t len) {
  for (uint32_t i = 0; len && i < fn->nargs; i++) {
    const char *a = fn->args[i].text;
    if (!a) continue;
    while (*a == '*' || *a == '.') a++;
    if (!strncmp(a, name, len) && !ident_char(a[len])) return true;
  }
  return false;
}

/* name[0, len) is one of the names of a target list (`k, v`, `(a, b)`, `const x`), not a
 * part of a dotted one. */
static bool targets_have(const char *list, const char *name, size_t len) {
  for (const char *p = list; p && *p;) {
    while (*p && !ident_char(*p)) p++;
    size_t n = 0;
    while (ident_char(p[n])) n++;
    if (n == len && !strncmp(p, name, len) && p[n] != '.' && (p == list || p[-1] != '.')) return true;
    p += n;
  }
  return false;
}

uint32_t ir_first_binding(const ir_node *scope, const char *name, size_t len, uint32_t before) {
  for (const ir_node *n = scope->child; n && n->span.start < before;
       n = n->kind == IR_FUNC ? ir_next_skip(n, scope) : ir_next(n, scope)) {
    const char *bound = n->kind == IR_ASSIGN ? n->name : n->kind == IR_CALL ? n->alias : NULL;
    if (bound && bound[0] == name[0] && !strncmp(bound, name, len) && !bound[len]) return n->span.start;
    if ((n->kind == IR_LOOP || n->kind == IR_WITH || n->kind == IR_HANDLER) && n->alias &&
        targets_have(n->alias, name, len))
      return n->span.start;
  }
  return UINT32_MAX;
}

bool ir_binds_local(const ir_node *scope, const char *name, size_t len, uint32_t before) {
  return ir_first_binding(scope, name, len, before) != UINT32_MAX;
}

ir_node *ir_enclosing_class(const ir_node *n) {
  for (ir_node *p = n->parent; p; p = p->parent)
    if (p->kind == IR_CLASS) return p;
  return NULL;
}

static const char *const kind_names[IR__COUNT] = {
    "FILE", "FUNC", "CLASS", "CALL", "AWAIT", "RAISE", "RETURN", "BREAK", "CONTINUE",
    "LOOP", "TRY", "HANDLER", "FINALLY", "WITH", "ASSIGN", "USE", "IMPORT"};

const char *ir_kind_name(ir_kind k) { return k < IR__COUNT ? kind_names[k] : "?"; }

static const char *const use_names[IR_USE__COUNT] = {
    "none", "discarded", "awaited", "assigned", "returned", "passed", "chained", "voided", "other", "condition", "formatted", "accessed", "operand"};

const char *ir_use_name(ir_use u) { return u < IR_USE__COUNT ? use_names[u] : "?"; }

static const struct {
  uint32_t bit;
  const char *name;
} flag_names[] = {
    {IR_F_ASYNC, "async"},         {IR_F_GENERATOR, "generator"}, {IR_F_LAMBDA, "lambda"},
    {IR_F_LOOP_CALLBACK, "loop-callback"}, {IR_F_OFF_LOOP, "off-loop"}, {IR_F_METHOD, "method"},
    {IR_F_NEW, "new"},             {IR_F_SELF, "self"},           {IR_F_WHILE, "while"},
    {IR_F_BARE, "bare"},           {IR_F_RETURNS_PROMISE, "returns-promise"},
    {IR_F_EXPORTED, "exported"},   {IR_F_DEFINITION, "definition"}, {IR_F_DECORATED, "decorated"},
    {IR_F_DERIVED, "derived"},     {IR_F_LITERAL, "literal"},     {IR_F_COMPREHENSION, "comprehension"},
    {IR_F_LOOP_REACHED, "loop-reached"}, {IR_F_MAY_BLOCK, "may-block"}, {IR_F_LEAVES_FINALLY, "leaves-finally"},
    {IR_F_PROMISE_TYPED, "promise-typed"},
    {IR_F_TYPED_CALLEE, "typed-callee"}, {IR_F_PROPERTY, "property"}, {IR_F_ONE_STATEMENT, "one-statement"},
};

static const struct {
  uint32_t bit;
  const char *name;
} arg_flag_names[] = {
    {IR_ARG_SPREAD, "*"}, {IR_ARG_COMPREHENSION, "comp"}, {IR_ARG_NULL, "null"},
    {IR_ARG_FUNC_REF, "fn"}, {IR_ARG_LAMBDA, "lambda"}, {IR_ARG_LITERAL, "lit"},
};

static int depth_of(const ir_node *n) {
  int d = 0;
  for (const ir_node *p = n->parent; p; p = p->parent) d++;
  return d;
}

static void print_node(const ir_file *f, const ir_node *n, int depth, al_buf *out) {
  for (int i = 0; i < depth; i++) al_buf_puts(out, "  ");
  al_buf_puts(out, ir_kind_name(n->kind));
  if (n->kind == IR_FILE) {
    al_buf_printf(out, " %s lang=%s", f->src->path, al_lang_name(f->lang));
    if (f->module) al_buf_printf(out, " module=%s", f->module);
    al_buf_puts(out, "\n");
    return;
  }
  al_buf_printf(out, " %u:%u", n->span.line, n->span.col);
  if (n->name) al_buf_printf(out, " %s", n->name);
  if (n->module) al_buf_printf(out, " module=%s", n->module);
  if (n->member && *n->member && (!n->name || strcmp(n->member, n->name))) al_buf_printf(out, " member=%s", n->member);
  if (n->alias && (!n->name || strcmp(n->alias, n->name))) al_buf_printf(out, " %s=%s", n->kind == IR_CALL ? "var" : "as", n->alias);
  if (n->type) al_buf_printf(out, " type=\"%s\"", n->type);
  if (n->kind == IR_CALL) al_buf_printf(out, " use=%s", ir_use_name(n->use));
  if (n->kind == IR_CALL && n->guard)
    al_buf_printf(out, " only-if-param%d-%s", IR_GUARD_PARAM(n->guard) + 1,
                  (n->guard & IR_GUARD_NULL) ? "null" : "set");
  for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
    if ((n->flags & flag_names[i].bit) && (flag_names[i].bit != IR_F_ONE_STATEMENT || n->kind == IR_WITH) &&
        (flag_names[i].bit != IR_F_WHILE || n->kind == IR_LOOP))
      al_buf_printf(out, " [%s]", flag_names[i].name);
  if (n->kind == IR_FUNC && (n->flags & IR_F_RETURNS_RECEIVER)) al_buf_puts(out, " [returns-receiver]");
  if (n->kind == IR_FUNC && (n->flags & IR_F_MAYBE_PROMISE)) al_buf_puts(out, " [maybe-promise]");
  if (n->kind == IR_CALL && (n->flags & IR_F_READ_LOCAL)) al_buf_puts(out, " [read-local]");
  if (n->kind == IR_WITH && n->text && *n->text) al_buf_printf(out, " args=%s", n->text);
  if ((n->kind == IR_CALL || n->kind == IR_FUNC) && n->nargs) {
    al_buf_puts(out, " (");
    for (uint32_t i = 0; i < n->nargs; i++) {
      const ir_arg *a = &n->args[i];
      if (i) al_buf_puts(out, ", ");
      if (a->keyword) al_buf_printf(out, "%s=", a->keyword);
      for (size_t k = 0; k < sizeof arg_flag_names / sizeof arg_flag_names[0]; k++)
        if (a->flags & arg_flag_names[k].bit) al_buf_printf(out, "%s:", arg_flag_names[k].name);
      al_buf_puts(out, a->text ? a->text : "_");
      if (a->iter) al_buf_printf(out, " in:%s", a->iter);
    }
    al_buf_puts(out, ")");
  }
  al_buf_puts(out, "\n");
}

void ir_print(const ir_file *f, al_buf *out) {
  /* Depth is recomputed from parents only at the start; afterwards it is tracked
   * as the walk moves, so deep trees print in linear time. */
  const ir_node *n = f->root;
  int depth = depth_of(n);
  while (n) {
    print_node(f, n, depth, out);
    if (n->child) {
      n = n->child;
      depth++;
      continue;
    }
    while (n && n != f->root && !n->next) {
      n = n->parent;
      depth--;
    }
    if (!n || n == f->root) break;
    n = n->next;
  }
}
