/* ts_walk: cursor-driven pre/post-order walk with an explicit frame stack, plus small
 * node helpers shared by the Python and JavaScript front ends. */
#include "ts_walk.h"

#include "frontend.h"
#include "names.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>

#include <string.h>

static void push(ts_walk *w, TSNode node, ir_node *ir) {
  if (w->depth == w->cap) {
    w->cap = w->cap ? w->cap * 2 : 256;
    w->frames = al_realloc(w->frames, w->cap * sizeof *w->frames);
  }
  ts_frame *fr = &w->frames[w->depth++];
  fr->node = node;
  fr->sym = ts_node_symbol(node);
  fr->ir = ir;
  fr->own = NULL;
  fr->next = fr->count = 0;
  fr->wide = fr->more = false;
}

/* Children are visited by index (ts_node_named_child): cheaper per step than a tree
 * cursor, which pays for hidden nodes and its own stack on every move. Finding a child
 * by index scans from the first, so a node with many children (a minified bundle's
 * array) gets a cursor instead, keeping the walk linear. Only named nodes get a frame:
 * no front end lowers punctuation or keywords. */
#define WIDE_NODE 32

static void open_children(ts_frame *fr) {
  fr->count = ts_node_named_child_count(fr->node);
  if (fr->count <= WIDE_NODE) return;
  fr->wide = true;
  fr->cursor = ts_tree_cursor_new(fr->node);
  fr->more = ts_tree_cursor_goto_first_child(&fr->cursor);
}

/* The next named child of fr to visit; false when there is none. */
static bool next_child(ts_frame *fr, TSNode *out) {
  if (!fr->wide) {
    if (fr->next >= fr->count) return false;
    *out = ts_node_named_child(fr->node, fr->next++);
    return true;
  }
  while (fr->more) {
    TSNode n = ts_tree_cursor_current_node(&fr->cursor);
    TSFieldId field = ts_tree_cursor_current_field_id(&fr->cursor);
    fr->more = ts_tree_cursor_goto_next_sibling(&fr->cursor);
    if (ts_node_is_named(n)) {
      *out = n;
      fr->field = field;
      return true;
    }
  }
  return false;
}

/* Whether sym's name is one of w->handled, from a table per (language, list) filled as
 * symbols are first met (the name of a public symbol is the node's type). The tables are
 * shared by the threads: made under a lock, filled with relaxed atomics (racing threads
 * store the same answer), kept for the life of the process. */
typedef struct handled_tab {
  const TSLanguage *lang;
  const char *const *names;
  _Atomic uint8_t *tab; /* 0: not looked at yet, 1: handled, 2: not */
  uint32_t n;
} handled_tab;

static bool handles(ts_walk *w, TSSymbol sym) {
  static handled_tab tabs[8];
  static _Atomic unsigned ntabs;
  static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  handled_tab *h = NULL;
  unsigned k = atomic_load_explicit(&ntabs, memory_order_acquire);
  for (unsigned i = 0; i < k && !h; i++)
    if (tabs[i].lang == w->lang && tabs[i].names == w->handled) h = &tabs[i];
  if (!h) {
    pthread_mutex_lock(&lock);
    k = atomic_load_explicit(&ntabs, memory_order_relaxed);
    for (unsigned i = 0; i < k && !h; i++)
      if (tabs[i].lang == w->lang && tabs[i].names == w->handled) h = &tabs[i];
    if (!h && k < 8) {
      h = &tabs[k];
      h->lang = w->lang;
      h->names = w->handled;
      h->n = ts_language_symbol_count(w->lang);
      h->tab = al_calloc(h->n ? h->n : 1, sizeof *h->tab);
      atomic_store_explicit(&ntabs, k + 1, memory_order_release);
    }
    pthread_mutex_unlock(&lock);
    if (!h) return true; /* (more lists than slots: call enter for everything) */
  }
  if (sym >= h->n) return true;
  uint8_t v = atomic_load_explicit(&h->tab[sym], memory_order_relaxed);
  if (!v) {
    const char *name = ts_language_symbol_name(w->lang, sym);
    v = 2;
    for (const char *const *p = w->handled; name && *p; p++)
      if (!strcmp(*p, name)) v = 1;
    atomic_store_explicit(&h->tab[sym], v, memory_order_relaxed);
  }
  return v == 1;
}

void ts_walk_run(ts_walk *w, TSNode root, ts_enter_fn enter, ts_leave_fn leave) {
  w->depth = 0;
  push(w, root, w->f->root);
  for (;;) {
    bool descend = true;
    ir_node *own = !w->handled || handles(w, ts_cur(w)->sym) ? enter(w, &descend) : NULL;
    ts_frame *fr = ts_cur(w);
    if (own) {
      fr->own = own;
      fr->ir = own;
    }
    if (descend) open_children(fr);
    for (;;) {
      fr = ts_cur(w);
      TSNode child;
      if (next_child(fr, &child)) {
        push(w, child, fr->ir); /* may move the frames: fr is not used after */
        break;
      }
      if (leave) leave(w);
      if (fr->wide) ts_tree_cursor_delete(&fr->cursor);
      if (--w->depth == 0) return;
    }
  }
}

/* The parent knows which of its named children is being walked: by index, or where its
 * cursor was. */
const char *ts_cur_field_name(ts_walk *w) {
  ts_frame *p = ts_up(w, 1);
  if (!p) return NULL;
  if (p->wide) return p->field ? ts_language_field_name_for_id(ts_node_language(p->node), p->field) : NULL;
  return ts_node_field_name_for_named_child(p->node, p->next - 1);
}

ir_node *ts_enclosing_own(ts_walk *w, ir_kind kind) {
  for (size_t i = w->depth - 1; i-- > 0;) {
    ir_node *o = w->frames[i].own;
    if (o && o->kind == kind) return o;
  }
  return NULL;
}

static uint64_t name_filter(const char *s, size_t n) {
  if (!n) return 1;
  unsigned a = (unsigned)(n * 31 + (unsigned char)s[0]) & 63, b = (unsigned)((unsigned char)s[n - 1] * 17 + n) & 63;
  return (1ull << a) | (1ull << b);
}

bool ts_names_maybe(const ts_names *s, const char *name, size_t n) {
  uint64_t bits = name_filter(name, n);
  return s->map.len && (s->filter & bits) == bits;
}

bool ts_names_has(const ts_names *s, const char *name, size_t n) {
  char nm[128];
  if (!ts_names_maybe(s, name, n) || n >= sizeof nm) return false;
  memcpy(nm, name, n);
  nm[n] = 0;
  return al_map_get(&s->map, nm) != NULL;
}

void ts_names_add(ts_names *s, const char *name) {
  al_map_put(&s->map, name, (void *)1);
  s->filter |= name_filter(name, strlen(name));
}

void ts_names_free(ts_names *s) {
  al_map_free(&s->map);
  s->filter = 0;
}

ir_node *ts_lower_read(ts_walk *w, const ts_names *stored, bool (*is_read)(ts_walk *w)) {
  if (!stored->map.len) return NULL;
  TSNode n = ts_cur(w)->node;
  uint32_t s0 = ts_node_start_byte(n), e0 = ts_node_end_byte(n);
  uint64_t bits = name_filter(w->text + s0, e0 - s0);
  if ((stored->filter & bits) != bits) return NULL;
  char nm[128];
  if (e0 - s0 >= sizeof nm) return NULL;
  memcpy(nm, w->text + s0, e0 - s0);
  nm[e0 - s0] = 0;
  if (!al_map_get(&stored->map, nm) || !is_read(w)) return NULL;
  ir_node *x = ir_add(w->f, ts_cur(w)->ir, IR_USE, ts_span(n));
  x->name = ir_str(w->f, nm, e0 - s0);
  ts_frame *up = ts_up(w, 1); /* `p;` alone: the value is looked at and dropped */
  if (up && !strcmp(ts_node_type(up->node), "expression_statement")) x->use = IR_USE_DISCARDED;
  return x;
}

const ir_node *ts_scope(ts_walk *w) {
  for (size_t i = w->depth; i-- > 0;) {
    ir_node *o = w->frames[i].own;
    if (o && o->kind == IR_FUNC && !(o->flags & IR_F_LAMBDA)) return o;
  }
  return NULL;
}

bool ts_is_param(ts_walk *w, const char *name) {
  for (size_t i = w->depth; i-- > 0;) {
    const ir_node *o = w->frames[i].own;
    if (!o || o->kind != IR_FUNC) continue;
    for (uint32_t k = 0; k < o->nargs; k++)
      if (o->args[k].text && !strcmp(o->args[k].text, name)) return true;
  }
  return false;
}

/* "<scope address in hex>\x1f<var>" into buf (strlen(var) + 18 bytes): a typed local's
 * key (snprintf's %p was 1,800 instructions a lookup). */
static void scope_key(char *buf, const void *scope, const char *var) {
  static const char hex[] = "0123456789abcdef";
  uintptr_t v = (uintptr_t)scope;
  for (int i = 15; i >= 0; i--, v >>= 4) buf[i] = hex[v & 15];
  buf[16] = '\x1f';
  strcpy(buf + 17, var);
}

/* The alias entry of var as the code at the walk's position sees it: its function's,
 * else an enclosing function's (a closure sees the outer function's `nap = asyncio.sleep`),
 * else the module's; "" where a rebinding ended it. NULL: none. Keyed like typed locals
 * (scope_key: no snprintf on the call path). */
static const char *alias_entry(ts_walk *w, const al_map *aliases, const char *var) {
  char key[320];
  for (size_t i = w->depth; i-- > 0;) {
    const ir_node *o = w->frames[i].own;
    if (!o || o->kind != IR_FUNC) continue;
    for (uint32_t k = 0; k < o->nargs; k++) /* a parameter of that name hides any alias */
      if (o->args[k].text && !strcmp(o->args[k].text, var)) return NULL;
    scope_key(key, o, var); /* (a lambda's own: functions declared in an anonymous callback) */
    const char *r = al_map_get(aliases, key);
    if (r) return r;
  }
  scope_key(key, NULL, var);
  return al_map_get(aliases, key);
}

void ts_alias_bind(ts_walk *w, al_map *aliases, const char *var, const char *target) {
  if ((!target && !aliases->len) || strlen(var) > 256) return;
  char key[320];
  scope_key(key, ts_scope(w), var);
  const char *via = target && aliases->len && !strchr(target, '.') ? ts_alias_get(w, aliases, target) : NULL;
  if (via) target = via; /* `pull = fetch_all` with `fetch_all = load`: pull names load */
  if (target || alias_entry(w, aliases, var))
    al_map_put(aliases, key, (void *)(target ? target : "")); /* "": not an alias here */
}

void ts_alias_bind_in(al_map *aliases, const ir_node *scope, const char *var, const char *target) {
  if (strlen(var) > 256) return;
  char key[320];
  scope_key(key, scope, var);
  al_map_put(aliases, key, (void *)target);
}

const char *ts_alias_get(ts_walk *w, const al_map *aliases, const char *var) {
  if (!aliases->len || strlen(var) > 256) return NULL;
  const char *r = alias_entry(w, aliases, var);
  return r && *r ? r : NULL;
}

/* The class `self.` attributes bind to: the enclosing one, or the current node's own (a
 * class's front end binds its attributes on entering it). */
static ir_node *self_class(ts_walk *w) {
  ir_node *o = ts_cur(w)->own;
  return o && o->kind == IR_CLASS ? o : ts_enclosing_own(w, IR_CLASS);
}

void ts_bind_type(ts_walk *w, al_map *types, const ir_node *scope, const char *self_prefix, const char *var,
                  const char *module, const char *member) {
  char *key;
  if (al_starts_with(var, self_prefix)) {
    ir_node *cls = self_class(w);
    if (!cls) return;
    key = al_fmt("cls:%s\x1f%s", cls->name, var);
  } else {
    key = al_malloc(strlen(var) + 18);
    scope_key(key, scope, var);
  }
  al_binding *b = al_arena_alloc(&w->f->arena, sizeof *b);
  b->module = module;
  b->member = member;
  al_map_put(types, key, b);
  free(key);
}

/* The type of attribute var (`self.x`) of cls: bound in its own methods, else in a base
 * class of the same file (`class Child(Base)`, `extends Base`: Base's `__init__` or
 * constructor assigned it), a few levels up. */
static al_binding *class_attr(ts_walk *w, const al_map *types, const ir_node *cls, const char *var, int depth) {
  char buf[320];
  if (!cls->name || strlen(cls->name) > 200) return NULL;
  snprintf(buf, sizeof buf, "cls:%s\x1f%s", cls->name, var);
  al_binding *b = al_map_get(types, buf);
  if (b || depth >= 3 || !(cls->flags & IR_F_DERIVED)) return b;
  for (uint32_t i = 0; i < cls->nargs && !b; i++) {
    const ir_arg *base = &cls->args[i];
    if (base->keyword || !base->text || !strcmp(base->text, cls->name)) continue; /* (imported: not here) */
    for (const ir_node *o = w->f->root->child; o && !b; o = o->next)
      if (o->kind == IR_CLASS && o->name && !strcmp(o->name, base->text)) b = class_attr(w, types, o, var, depth + 1);
  }
  return b;
}

al_binding *ts_typed_var(ts_walk *w, const al_map *types, const char *self_prefix, const char *var) {
  if (!types->len || strlen(var) > 256) return NULL;
  char buf[320];
  if (al_starts_with(var, self_prefix)) {
    ir_node *cls = self_class(w);
    return cls ? class_attr(w, types, cls, var, 0) : NULL;
  }
  al_binding *b = NULL;
  for (size_t i = w->depth; i-- > 0 && !b;) {
    ir_node *o = w->frames[i].own;
    if (!o || o->kind != IR_FUNC) continue;
    if (!(o->flags & IR_F_LAMBDA)) {
      scope_key(buf, o, var);
      if ((b = al_map_get(types, buf))) break;
    }
    /* a parameter of that name (an arrow's `(r) => r.save()` too) hides an outer local's type;
     * a lambda's parameter has the type its caller gives (bound under the lambda: callback_params) */
    for (uint32_t k = 0; k < o->nargs; k++)
      if (o->args[k].text && !strcmp(o->args[k].text, var)) {
        if (!(o->flags & IR_F_LAMBDA)) return NULL;
        scope_key(buf, o, var);
        return al_map_get(types, buf);
      }
  }
  if (!b) {
    scope_key(buf, NULL, var);
    b = al_map_get(types, buf);
  }
  /* `Services.http` (Python `cls.http` in a classmethod): a class attribute read through
   * the class, typed as its instances' (a class body's `http = httpx.AsyncClient()`, a
   * JS `static pool = new Pool()`) */
  const char *dot = b ? NULL : strchr(var, '.');
  if (dot && dot > var && !strchr(dot + 1, '.') && dot[1]) {
    const char *cls = var;
    size_t cl = (size_t)(dot - var);
    if (cl == 3 && !strncmp(var, "cls", 3) && !strcmp(self_prefix, "self.")) {
      ir_node *o = ts_enclosing_own(w, IR_CLASS);
      if (!o || !o->name || strlen(o->name) > 200) return NULL;
      cls = o->name;
      cl = strlen(cls);
    }
    snprintf(buf, sizeof buf, "cls:%.*s\x1f%s%s", (int)cl, cls, self_prefix, dot + 1);
    b = al_map_get(types, buf);
  }
  return b;
}

al_binding *ts_typed_element(ts_walk *w, const al_map *types, const char *self_prefix, const char *prefix,
                             TSNode node) {
  if (!types->len || !ts_is(node, "identifier")) return NULL;
  uint32_t s0 = ts_node_start_byte(node), e0 = ts_node_end_byte(node);
  if (e0 - s0 >= 250) return NULL;
  char key[256];
  memcpy(key, prefix, 2);
  memcpy(key + 2, w->text + s0, e0 - s0);
  key[e0 - s0 + 2] = 0;
  return ts_typed_var(w, types, self_prefix, key);
}

void ts_each_expression_statement(ts_walk *w, TSNode block, const uint32_t *offs, size_t n,
                                  void (*fn)(ts_walk *w, void *ud, TSNode st), void *ud) {
  if (ts_node_is_null(block)) return;
  TSTreeCursor cur = ts_tree_cursor_new(block);
  uint32_t depth = 0;
  size_t first = 0; /* offsets before the node being looked at are behind the walk */
  if (!ts_tree_cursor_goto_first_child(&cur)) goto done;
  depth = 1;
  for (;;) {
    TSNode x = ts_tree_cursor_current_node(&cur);
    bool into = false, holds = true;
    if (n) {
      uint32_t s0 = ts_node_start_byte(x), e0 = ts_node_end_byte(x);
      while (first < n && offs[first] < s0) first++;
      holds = first < n && offs[first] < e0;
    }
    if (holds && ts_node_is_named(x)) {
      const char *t = ts_node_type(x);
      if (!strcmp(t, "expression_statement")) fn(w, ud, x);
      else if (depth < 16)
        into = al_ends_with(t, "_statement") || al_ends_with(t, "_clause") || !strcmp(t, "block") ||
               !strcmp(t, "statement_block");
    }
    if (into && ts_tree_cursor_goto_first_child(&cur)) {
      depth++;
      continue;
    }
    while (!ts_tree_cursor_goto_next_sibling(&cur)) {
      if (depth <= 1 || !ts_tree_cursor_goto_parent(&cur)) goto done;
      depth--;
    }
  }
done:
  ts_tree_cursor_delete(&cur);
}

static bool word_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '$';
}

size_t ts_attr_assignments(ts_walk *w, TSNode n, const char *prefix, uint32_t *offs, size_t max) {
  size_t pl = strlen(prefix), k = 0;
  const char *p = w->text + ts_node_start_byte(n), *end = w->text + ts_node_end_byte(n);
  while (p < end && (p = memmem(p, (size_t)(end - p), prefix, pl))) {
    const char *at = p, *q = p + pl;
    p = q;
    if (at > w->text && word_char(at[-1])) continue;
    const char *id = q;
    while (q < end && word_char(*q)) q++;
    if (q == id) continue;
    while (q < end && (*q == ' ' || *q == '\t')) q++;
    if (q + 1 >= end || (q[0] != ':' && (q[0] != '=' || q[1] == '='))) continue; /* `=`, or `:` (annotated) */
    if (k == max) return max + 1;
    offs[k++] = (uint32_t)(at - w->text);
  }
  return k;
}

void ts_prebind_settle(ts_walk *w, al_map *types, al_map *seen, const char *self_prefix, const char *var,
                       const al_binding *before) {
  static al_binding unknown; /* (in seen: an assignment of a type not known) */
  al_binding *b = ts_typed_var(w, types, self_prefix, var);
  if (b == before) b = &unknown;
  al_binding *first = al_map_get(seen, var);
  if (!first) {
    al_map_put(seen, var, b);
    if (b != &unknown) return;
  }
  bool same = first && first != &unknown && b != &unknown && first->member && b->member &&
              !strcmp(first->member, b->member) &&
              (first->module == b->module || (first->module && b->module && !strcmp(first->module, b->module)));
  if (same) return;
  if (first) al_map_put(seen, var, &unknown);
  if (first || before) ts_bind_type(w, types, NULL, self_prefix, var, NULL, "()");
}

ir_span ts_span(TSNode n) {
  TSPoint s = ts_node_start_point(n);
  ir_span sp = {ts_node_start_byte(n), ts_node_end_byte(n), s.row + 1, s.column + 1};
  return sp;
}

const char *ts_text(ts_walk *w, TSNode n) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  return ir_str(w->f, w->text + s, e - s);
}

const char *ts_text_short(ts_walk *w, TSNode n, size_t max) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  if (e - s <= max) return ir_str(w->f, w->text + s, e - s);
  char *p = al_arena_alloc(&w->f->arena, max + 4);
  memcpy(p, w->text + s, max);
  memcpy(p + max, "...", 4);
  return p;
}


bool ts_has_token(TSNode n, const char *tok) {
  uint32_t k = ts_node_child_count(n);
  for (uint32_t i = 0; i < k; i++) {
    TSNode ch = ts_node_child(n, i);
    if (!ts_node_is_named(ch) && !strcmp(ts_node_type(ch), tok)) return true;
  }
  return false;
}

/* Bumped whenever a tree is made, edited or freed: the node memo below is only good
 * for the trees as they were when it was filled. */
static _Atomic uint64_t trees_gen = 1;

void ts_trees_changed(void) { trees_gen++; }

/* Field names are string literals at the call sites: their ids are remembered per
 * (literal, grammar) in a small per-thread table, so a lookup by name costs one compare
 * instead of a scan of the grammar's field names. The front ends ask a node for the same
 * field several times (a call's callee: for the call, for require(), for `await (x)`),
 * and tree-sitter's lookup walks the children each time: the last answers per (node,
 * field) are remembered too. */
TSNode ts_field(TSNode n, const char *field) {
  /* open addressing on (literal, grammar): the literals are a fixed set of a few hundred,
   * so the table never fills, and no two hot literals evict each other (a direct-mapped
   * table did, depending on where the linker put them: +14 M instructions on a sample) */
  static _Thread_local struct {
    const char *name;
    const TSLanguage *lang;
    TSFieldId id;
  } memo[2048];
  static _Thread_local struct {
    const void *node;
    const TSTree *tree;
    uint64_t gen;
    TSFieldId id;
    TSNode child;
  } seen[64];
  if (ts_node_is_null(n)) return n;
  const TSLanguage *lang = ts_node_language(n);
  size_t h = (size_t)((((uintptr_t)field ^ ((uintptr_t)lang << 7)) * 0x9e3779b97f4a7c15ull) >> 53);
  size_t probes = 0;
  while (memo[h].name && (memo[h].name != field || memo[h].lang != lang) && probes++ < 2048) h = (h + 1) & 2047;
  if (memo[h].name != field || memo[h].lang != lang) { /* an empty slot (or, never, a full table: overwrite) */
    memo[h].name = field;
    memo[h].lang = lang;
    memo[h].id = ts_language_field_id_for_name(lang, field, (uint32_t)strlen(field));
  }
  TSFieldId id = memo[h].id;
  if (!id) return ts_node_child_by_field_name(n, field, (uint32_t)strlen(field));
  uint64_t gen = trees_gen;
  size_t k = (((uintptr_t)n.id >> 4) ^ ((uintptr_t)n.id >> 10) ^ id) & 63;
  if (seen[k].node == n.id && seen[k].tree == n.tree && seen[k].id == id && seen[k].gen == gen) return seen[k].child;
  TSNode c = ts_node_child_by_field_id(n, id);
  seen[k].node = n.id;
  seen[k].tree = n.tree;
  seen[k].id = id;
  seen[k].gen = gen;
  seen[k].child = c;
  return c;
}

const TSLanguage *tree_sitter_python(void);
const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_typescript(void);
const TSLanguage *tree_sitter_tsx(void);


const TSLanguage *ts_language_for(const al_source *src) {
  if (src->lang == AL_LANG_PYTHON) return tree_sitter_python();
  if (src->lang != AL_LANG_JS) return NULL;
  if (!al_is_typescript_path(src->path)) return tree_sitter_javascript();
  return al_ends_with(src->path, ".tsx") ? tree_sitter_tsx() : tree_sitter_typescript();
}

TSTree *ts_parse(const TSLanguage *lang, const al_source *src, const al_lower_ctx *ctx, char **err) {
  TSParser *p = ts_parser_new();
  if (!ts_parser_set_language(p, lang)) {
    ts_parser_delete(p);
    *err = al_fmt("internal error: a tree-sitter grammar's ABI does not match the core");
    return NULL;
  }
  TSTree *old = ctx && ctx->tree ? *ctx->tree : NULL;
  TSTree *tree = ts_parser_parse_string(p, old, src->text, (uint32_t)src->len);
  ts_parser_delete(p);
  ts_trees_changed();
  if (!tree) *err = al_fmt("tree-sitter could not parse the file");
  return tree;
}

void ts_parse_done(TSTree *tree, const al_lower_ctx *ctx) {
  ts_trees_changed();
  if (ctx && ctx->tree) {
    if (*ctx->tree) ts_tree_delete(*ctx->tree);
    *ctx->tree = tree;
  } else {
    ts_tree_delete(tree);
  }
}

bool al_parse_only(const al_source *src) {
  const TSLanguage *lang = ts_language_for(src);
  char *err = NULL;
  TSTree *t = lang ? ts_parse(lang, src, NULL, &err) : NULL;
  free(err);
  if (t) ts_tree_delete(t);
  return t != NULL;
}

char *al_dump_ast(const al_source *src) {
  const TSLanguage *lang = ts_language_for(src);
  if (!lang) return al_strdup("(dump-ast covers Python and JavaScript; C goes through libclang)\n");
  TSParser *p = ts_parser_new();
  ts_parser_set_language(p, lang);
  TSTree *t = ts_parser_parse_string(p, NULL, src->text, (uint32_t)src->len);
  ts_parser_delete(p);
  if (!t) return al_strdup("(parse failed)\n");
  char *s = ts_node_string(ts_tree_root_node(t));
  ts_tree_delete(t);
  char *r = al_fmt("%s\n", s);
  free(s);
  return r;
}
