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
  ir_span sp = {0, (uint32_t)src->len, 1, 1};
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
    if (!parent->child) {
      parent->child = n;
    } else {
      /* The parent's last child, without a pointer to it in every node: nodes are made
       * in pre-order, so the node made last is that child or below it — found by
       * climbing from it. A parent given a child out of that order (a class a JS
       * prototype method is added to) has its children scanned: the climb finds an
       * earlier child, or none, and the scan goes to the end. */
      ir_node *l = NULL;
      for (ir_node *x = f->recent; x && !l; x = x->parent)
        if (x->parent == parent) l = x;
      if (!l) l = parent->child;
      while (l->next) l = l->next;
      l->next = n;
    }
  }
  f->recent = n;
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

size_t ir_count_of_kind(const ir_file *f, ir_kind k) {
  ir_node *const *all = ir_of_kind(f, k);
  if (!f->by_kind || (unsigned)k >= IR__COUNT) return 0;
  uint32_t end = k + 1 < IR__COUNT ? f->kind_at[k + 1] : UINT32_MAX;
  if (end != UINT32_MAX) return end - f->kind_at[k] - 1; /* (each group ends in a NULL) */
  size_t n = 0;
  while (all[n]) n++;
  return n;
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

bool ir_within(const ir_node *n, const ir_node *root) {
  for (const ir_node *p = n->parent; p; p = p->parent)
    if (p == root) return true;
  return false;
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

static int cmp_name(const ir_binding *x, const char *name, uint32_t len) {
  int c = memcmp(x->name, name, x->len < len ? x->len : len);
  if (c) return c;
  return x->len < len ? -1 : x->len > len;
}

static int cmp_binding(const void *a, const void *b) {
  const ir_binding *x = a, *y = b;
  int c = cmp_name(x, y->name, y->len);
  if (c) return c;
  if (x->n->span.start != y->n->span.start) return x->n->span.start < y->n->span.start ? -1 : 1;
  return x->n->kind - y->n->kind;
}

/* The next name of a target list (`k, v`, `(a, b)`, `const x`) from *p on that is not
 * part of a dotted one, or NULL; *len its length. */
static const char *next_target(const char *list, const char **p, uint32_t *len) {
  while (**p) {
    const char *q = *p;
    while (*q && !ident_char(*q)) q++;
    uint32_t n = 0;
    while (ident_char(q[n])) n++;
    *p = q + n;
    if (n && q[n] != '.' && (q == list || q[-1] != '.')) {
      *len = n;
      return q;
    }
  }
  return NULL;
}

/* The whole name an ASSIGN or a CALL binds, or NULL (a LOOP, WITH or HANDLER: a target list). */
static const char *whole_name(const ir_node *n) {
  return n->kind == IR_ASSIGN ? n->name : n->kind == IR_CALL ? n->alias : NULL;
}

static bool has_targets(const ir_node *n) {
  return (n->kind == IR_LOOP || n->kind == IR_WITH || n->kind == IR_HANDLER) && n->alias;
}

/* The names n binds (see ir_binding), into out unless NULL; returns how many. */
static uint32_t names_bound(ir_node *n, ir_binding *out) {
  const char *whole = whole_name(n);
  if (whole) {
    if (out) *out = (ir_binding){whole, (uint32_t)strlen(whole), n};
    return 1;
  }
  if (!has_targets(n)) return 0;
  uint32_t k = 0, len;
  for (const char *p = n->alias, *q; (q = next_target(n->alias, &p, &len)); k++)
    if (out) out[k] = (ir_binding){q, len, n};
  return k;
}

/* n binds name[0, len). */
static bool binds(const ir_node *n, const char *name, size_t len) {
  const char *whole = whole_name(n);
  if (whole) return !strncmp(whole, name, len) && !whole[len];
  if (!has_targets(n)) return false;
  uint32_t l;
  for (const char *p = n->alias, *q; (q = next_target(n->alias, &p, &l));)
    if (l == len && !memcmp(q, name, len)) return true;
  return false;
}

const ir_binding *ir_bindings_of(const ir_file *cf, const char *name, size_t len, size_t *count) {
  ir_file *f = (ir_file *)cf; /* (a cache: built once, on the checking thread) */
  *count = 0;
  if (!f->root) return NULL;
  if (!f->bindings) { /* from the kinds' lists (built already for the rules): no walk of the tree */
    static const ir_kind kinds[] = {IR_ASSIGN, IR_CALL, IR_LOOP, IR_WITH, IR_HANDLER};
    uint32_t total = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
      for (ir_node *const *at = ir_of_kind(f, kinds[k]); *at; at++) total += names_bound(*at, NULL);
    ir_binding *all = al_arena_alloc(&f->arena, (total ? total : 1) * sizeof *all);
    uint32_t n = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
      for (ir_node *const *at = ir_of_kind(f, kinds[k]); *at; at++) n += names_bound(*at, all + n);
    if (n > 1) qsort(all, n, sizeof *all, cmp_binding);
    f->bindings = all;
    f->nbindings = n;
  }
  /* the first entry of the name */
  size_t lo = 0, hi = f->nbindings;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cmp_name(&f->bindings[mid], name, (uint32_t)len) < 0) lo = mid + 1;
    else hi = mid;
  }
  size_t end = lo;
  while (end < f->nbindings && f->bindings[end].len == len && !memcmp(f->bindings[end].name, name, len)) end++;
  *count = end - lo;
  return f->bindings + lo;
}

/* The root of the tree n is in. */
static const ir_node *root_of(const ir_node *n) {
  while (n->parent) n = n->parent;
  return n;
}

uint32_t ir_first_binding(const ir_file *f, const ir_node *scope, const char *name, size_t len, uint32_t before) {
  /* a small scope (most functions), or a node of another tree (a summary's copy): walk it */
  if (scope->span.end - scope->span.start <= IR_SCAN_BYTES || root_of(scope) != f->root) {
    for (const ir_node *n = scope->child; n && n->span.start < before;
         n = n->kind == IR_FUNC ? ir_next_skip(n, scope) : ir_next(n, scope))
      if (binds(n, name, len)) return n->span.start;
    return UINT32_MAX;
  }
  size_t count;
  const ir_binding *b = ir_bindings_of(f, name, len, &count);
  const ir_node *owner = scope->kind == IR_FUNC ? scope : NULL; /* outside nested functions */
  for (size_t i = 0; i < count; i++) {
    const ir_node *n = b[i].n;
    if (n->span.start >= before) break;
    if (n->func == owner) return n->span.start;
  }
  return UINT32_MAX;
}

bool ir_binds_local(const ir_file *f, const ir_node *scope, const char *name, size_t len, uint32_t before) {
  return ir_first_binding(f, scope, name, len, before) != UINT32_MAX;
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
  if (n->kind == IR_FUNC && (n->guard & IR_OVERLOAD_ARITY)) { /* the argument counts whose overload returns a promise */
    al_buf_puts(out, " promise-overloads=");
    for (int k = 0, first = 1; k <= 6; k++)
      if (n->guard & (1u << k)) al_buf_printf(out, "%s%d%s", first ? "" : ",", k, k == 6 ? "+" : ""), first = 0;
  }
  if (n->kind == IR_CALL && (n->flags & IR_F_READ_LOCAL)) al_buf_puts(out, " [read-local]");
  if (n->kind == IR_ASSIGN && (n->flags & IR_F_PLAIN_TYPED)) al_buf_puts(out, " [plain-typed]");
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
