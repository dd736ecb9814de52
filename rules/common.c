/* common: shared predicates over the IR and the knowledge data (see common.h). */
#include "common.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const ir_node *al_real_func(const ir_node *n) {
  for (const ir_node *p = n->parent; p; p = p->parent)
    if (p->kind == IR_FUNC && !(p->flags & IR_F_LAMBDA)) return p;
  return NULL;
}

static bool is_offloop_call(const ir_file *f, const ir_node *call) {
  return call && call->kind == IR_CALL && call->name && al_kb_match(al_kb_for(f->lang), "offloop", call->name);
}

static bool is_loop_callback_call(const ir_file *f, const ir_node *call) {
  return call && call->kind == IR_CALL && call->name && al_kb_match(al_kb_for(f->lang), "loop_callbacks", call->name);
}

bool al_is_sync_callback_call(const ir_file *f, const ir_node *call) {
  if (!call || call->kind != IR_CALL || !call->name || !call->nargs) return false;
  const al_kb_entry *e = al_kb_match(al_kb_for(f->lang), "sync_callbacks", call->name);
  if (!e) return false;
  const char *event = al_kb_attr(e, "event");
  if (!event) return true;
  const char *t = call->args[0].text;
  size_t n = t ? strlen(t) : 0, m = strlen(event);
  return n == m + 2 && (t[0] == '\'' || t[0] == '"' || t[0] == '`') && t[n - 1] == t[0] && !memcmp(t + 1, event, m);
}

static bool on_loop(const ir_file *f, const ir_node *n, const ir_node **fn, bool named_callbacks) {
  if (f->lang == AL_LANG_C) { /* contexts come from registrations (see the index) */
    const ir_node *p = ir_enclosing_func(n);
    if (fn) *fn = p;
    /* a call made only when a parameter is (not) NULL, in a function the loop reaches
     * only through calls that pass the other (`store_get(key, on_done)` never takes
     * `if (cb == NULL) read_sync()`): the index did not take the guard */
    if (n->kind == IR_CALL && n->guard && p && !(p->flags & IR_F_LOOP_CALLBACK) && !(n->flags & IR_F_GUARD_TAKEN))
      return false;
    return p && (p->flags & (IR_F_LOOP_CALLBACK | IR_F_LOOP_REACHED)) &&
           !(p->flags & (IR_F_OFF_LOOP | IR_F_MAY_BLOCK));
  }
  for (const ir_node *p = n->parent; p; p = p->parent) {
    if (p->kind != IR_FUNC) continue;
    if (p->flags & IR_F_ASYNC) {
      if (fn) *fn = p;
      return true;
    }
    bool inline_arg = p->parent && p->parent->kind == IR_CALL;
    if (inline_arg && (is_offloop_call(f, p->parent) || al_is_sync_callback_call(f, p->parent))) return false;
    if (inline_arg && is_loop_callback_call(f, p->parent)) { /* a timer/emitter/reaction callback */
      if (fn) *fn = p;
      return true;
    }
    /* a lambda runs where it is called: inline when it is an argument; a Python lambda
     * kept in a variable runs wherever that is called (ruff and flake8-async do not
     * take it as async code either) */
    if ((p->flags & IR_F_LAMBDA) && (inline_arg || f->lang != AL_LANG_PYTHON)) continue;
    if (fn) *fn = p;
    return named_callbacks && (p->flags & IR_F_LOOP_CALLBACK); /* named where the loop calls it (frontend.c) */
  }
  return false;
}

bool al_on_loop(const ir_file *f, const ir_node *n, const ir_node **fn) { return on_loop(f, n, fn, true); }

bool al_in_async_code(const ir_file *f, const ir_node *n, const ir_node **fn) { return on_loop(f, n, fn, false); }

const char *al_context_label(const ir_file *f, const ir_node *fn) {
  static __thread char buf[320];
  if (!fn) return "module code";
  if (fn->flags & IR_F_LOOP_REACHED) {
    /* a long chain keeps its end (the calls nearest the function), from an arrow */
    const char *chain = fn->text ? fn->text : "called from a loop callback";
    size_t n = strlen(chain);
    const char *from = n > 150 ? strstr(chain + n - 150, " -> ") : NULL;
    snprintf(buf, sizeof buf, "`%.60s`, which runs on the loop (%s%.150s)", fn->name, from ? "... ->" : "",
             from ? from + 3 : chain);
    return buf;
  }
  /* (a lambda here is one stored in a name and registered by it: `cb = lambda: ...`) */
  if ((fn->flags & IR_F_LOOP_CALLBACK) && !(fn->flags & IR_F_ASYNC) && fn->name &&
      !(fn->parent && fn->parent->kind == IR_CALL)) {
    if (fn->text) snprintf(buf, sizeof buf, "loop callback `%.60s` (registered via %.60s)", fn->name, fn->text);
    else if ((fn->flags & IR_F_CB_SIGNATURE) && fn->alias)
      snprintf(buf, sizeof buf, "loop callback `%.60s` (a %.60s, by its parameters)", fn->name, fn->alias);
    else snprintf(buf, sizeof buf, "loop callback `%.120s`", fn->name);
    return buf;
  }
  if (!(fn->flags & IR_F_ASYNC) && fn->parent && fn->parent->kind == IR_CALL) {
    const ir_node *reg = fn->parent;
    snprintf(buf, sizeof buf, "a callback passed to `%.100s()`", al_call_label(f, reg));
    return buf;
  }
  if (fn->flags & IR_F_LAMBDA || !fn->name || !strcmp(fn->name, "<anonymous>"))
    return "an async callback";
  snprintf(buf, sizeof buf, "async function `%.120s`", al_display_name(fn->name));
  return buf;
}
const char *al_list_find(const ir_file *f, const char *list, const char *seps, al_item_pred pred, void *ctx) {
  static __thread char buf[256];
  if (!list) return NULL;
  for (const char *s = list; *s;) {
    size_t n = strcspn(s, seps);
    if (n < sizeof buf) {
      memcpy(buf, s, n);
      buf[n] = 0;
      if (pred(f, buf, ctx)) return buf;
    }
    s += n + (s[n] != 0);
  }
  return NULL;
}

/* fd I/O on the fd a readiness callback was handed (knowledge `registrations` with
 * `ready_fd`: libevent's `cb(evutil_socket_t fd, short what, void *arg)`): the loop saw
 * it ready, so the one read, recv or accept on it does not wait. */
static bool on_ready_fd(const ir_file *f, const al_index *idx, const ir_node *call, const al_kb_entry *e) {
  const char *fd = al_kb_attr(e, "fd_io");
  if (!idx || !fd || strcmp(fd, "true") || !call->nargs || !call->args[0].text) return false;
  const ir_node *fn = ir_enclosing_func(call);
  const al_func_info *info = fn ? al_index_func(idx, f, fn) : NULL;
  const char *rf = info && info->reg_api ? al_kb_attr(info->reg_api, "ready_fd") : NULL;
  uint32_t i = rf ? (uint32_t)strtoul(rf, NULL, 10) : UINT32_MAX;
  return i < fn->nargs && fn->args[i].text && !strcmp(fn->args[i].text, call->args[0].text);
}

const al_kb_entry *al_blocking_api(const ir_file *f, const al_index *idx, const ir_node *call) {
  if (call->flags & IR_F_PROPERTY) return NULL; /* a read of the project's getter: AL210's */
  const al_kb_entry *e = al_blocking_entry(f, call);
  if (!e && !(e = al_blocking_inherited(f, idx, call))) return NULL;
  if (idx && al_index_resolve(idx, f, call)) return NULL; /* a project function of that name */
  if (f->lang == AL_LANG_C && on_ready_fd(f, idx, call, e)) return NULL;
  if (al_expected_to_raise(f, call)) return NULL;
  return e;
}

const char *al_category_label(const char *c) {
  if (!strcmp(c, "sleep")) return "sleep";
  if (!strcmp(c, "network")) return "network I/O";
  if (!strcmp(c, "file")) return "file I/O";
  if (!strcmp(c, "subprocess")) return "subprocess";
  if (!strcmp(c, "wait")) return "thread wait/lock";
  if (!strcmp(c, "dns")) return "DNS lookup";
  if (!strcmp(c, "input")) return "terminal input";
  if (!strcmp(c, "cpu")) return "CPU-bound work";
  if (!strcmp(c, "sync_mode")) return "synchronous mode of an async API";
  if (!strcmp(c, "nested_loop")) return "nested event loop";
  if (!strcmp(c, "entropy")) return "waiting for entropy";
  return c;
}

static bool expects_raise(const ir_file *f, const char *item, void *ctx) {
  (void)ctx;
  return al_kb_match(al_kb_for(f->lang), "expects_raise", item) != NULL;
}

bool al_expected_to_raise(const ir_file *f, const ir_node *call) {
  for (const ir_node *p = call->parent; p && p->kind != IR_FUNC; p = p->parent)
    if (p->kind == IR_WITH && al_list_find(f, p->name, ",", expects_raise, NULL)) return true;
  return false;
}

/* ---- collection size ---- */

static const char *skip_ws(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\n') s++;
  return s;
}

/* Parses a (possibly negative) integer literal spanning exactly [s, e). */
static bool int_lit(const char *s, const char *e, long *out) {
  while (s < e && isspace((unsigned char)*s)) s++;
  while (e > s && isspace((unsigned char)e[-1])) e--;
  if (s == e) return false;
  char buf[32];
  size_t n = 0;
  for (const char *p = s; p < e; p++)
    if (*p != '_') {
      if (n + 1 >= sizeof buf) return false;
      buf[n++] = *p;
    }
  buf[n] = 0;
  char *end;
  long v = strtol(buf, &end, 10);
  if (*end) return false;
  *out = v;
  return true;
}

/* For text "name(args)" with the closing paren at the end: the args, else NULL. */
static bool call_of(const char *text, const char *fname, const char **args, size_t *alen) {
  size_t fl = strlen(fname), tl = strlen(text);
  if (tl < fl + 2 || strncmp(text, fname, fl) || text[fl] != '(' || text[tl - 1] != ')') return false;
  *args = text + fl + 1;
  *alen = tl - fl - 2;
  return true;
}

/* An integer literal, or a name bound (only) to one in the function or module. */
static bool int_value_depth(const ir_file *f, const ir_node *at, const char *s, const char *e, long *out, int depth);

/* C: `#define NAME 100` (or `(100)`, or a sum or product of such) in the file: the value
 * a loop bounded by NAME runs to. */
static bool c_define(const ir_file *f, const ir_node *at, const char *name, long *out, int depth) {
  const char *t = f->src->text, *end = t + f->src->len;
  size_t nl = strlen(name);
  for (const char *p = t; (p = memmem(p, (size_t)(end - p), "#define", 7)); p += 7) {
    const char *q = p + 7;
    while (q < end && (*q == ' ' || *q == '\t')) q++;
    if ((size_t)(end - q) <= nl || strncmp(q, name, nl) || (q[nl] != ' ' && q[nl] != '\t')) continue;
    const char *v = q + nl, *ve = v;
    while (ve < end && *ve != '\n' && *ve != '/') ve++; /* (to a comment or the line's end) */
    return int_value_depth(f, at, v, ve, out, depth + 1);
  }
  return false;
}

/* C: the element count of a fixed array, `ARRAY_SIZE(reqs)` or `sizeof(reqs) /
 * sizeof(reqs[0])` (or `sizeof reqs / sizeof *reqs`), where reqs is declared `T
 * reqs[N]` in the file with N known: a loop over it starts at most N requests. */
static bool c_array_count(const ir_file *f, const ir_node *at, const char *s, const char *e, long *out, int depth) {
  char name[65];
  size_t n = 0;
  const char *p = s;
  if ((size_t)(e - s) > 11 && !strncmp(s, "ARRAY_SIZE(", 11) && e[-1] == ')') {
    p = s + 11;
  } else if ((size_t)(e - s) > 7 && !strncmp(s, "sizeof", 6) && memchr(s, '/', (size_t)(e - s))) {
    p = s + 6;
    while (p < e && (*p == ' ' || *p == '(')) p++;
  } else {
    return false;
  }
  while (p < e && (isalnum((unsigned char)*p) || *p == '_') && n + 1 < sizeof name) name[n++] = *p++;
  name[n] = 0;
  if (!n || isdigit((unsigned char)name[0])) return false;
  const char *t = f->src->text, *end = t + f->src->len;
  for (const char *d = t; (d = memmem(d, (size_t)(end - d), name, n)); d += n) {
    if ((d > t && (isalnum((unsigned char)d[-1]) || d[-1] == '_')) || d + n >= end || d[n] != '[') continue;
    const char *ty = d; /* a type before it (`uv_fs_t reqs[`, `char *bufs[`), not `= reqs[` or `(reqs[` */
    while (ty > t && (ty[-1] == ' ' || ty[-1] == '*')) ty--;
    if (ty == d || ty == t || !(isalnum((unsigned char)ty[-1]) || ty[-1] == '_')) continue;
    const char *b = d + n + 1, *be = memchr(b, ']', (size_t)(end - b));
    if (!be || be == b || (be + 1 < end && be[1] != ';' && be[1] != ' ' && be[1] != '=' && be[1] != '[')) continue;
    /* a declaration's dimension: `uv_fs_t reqs[N];` — not a use `reqs[i]` (an index
     * variable), nor `return reqs[0];` (an index of 0 is no dimension) */
    long v;
    if (int_value_depth(f, at, b, be, &v, depth + 1) && v > 0) {
      *out = v;
      return true;
    }
  }
  return false;
}

static bool int_value(const ir_file *f, const ir_node *at, const char *s, const char *e, long *out) {
  return int_value_depth(f, at, s, e, out, 0);
}

/* n is in root's own body: inside it, not in a function or class inside it. */
static bool in_own_body(const ir_node *n, const ir_node *root) {
  const ir_node *p = n->parent;
  while (p && p != root && p->kind != IR_FUNC && p->kind != IR_CLASS) p = p->parent;
  return p == root;
}

/* Calls each(n, ctx) for the ASSIGNs of name in root's own body (not in a function or
 * class inside it) until it returns false; false then. A big root's are found in the
 * file's table of bindings (ir_bindings_of): asked once per gather, the walks made a
 * function of 30,000 gathers take 100 s. */
static bool each_own_assign(const ir_file *f, const ir_node *root, const char *name,
                            bool (*each)(const ir_node *n, void *ctx), void *ctx) {
  if (root->span.end - root->span.start <= IR_SCAN_BYTES) {
    for (const ir_node *n = root->child; n; n = (n->kind == IR_FUNC || n->kind == IR_CLASS) ? ir_next_skip(n, root) : ir_next(n, root))
      if (n->kind == IR_ASSIGN && n->name && !strcmp(n->name, name) && !each(n, ctx)) return false;
    return true;
  }
  size_t count;
  const ir_binding *b = ir_bindings_of(f, name, strlen(name), &count);
  for (size_t i = 0; i < count; i++) {
    const ir_node *n = b[i].n;
    if (n->kind != IR_ASSIGN || strcmp(n->name, name)) continue;
    if (in_own_body(n, root) && !each(n, ctx)) return false;
  }
  return true;
}

typedef struct int_assigns {
  const ir_file *f;
  long *out;
  int depth;
  bool found;
} int_assigns;

/* int_value_depth's: an assignment of a known integer (the largest of them wins) */
static bool int_assign(const ir_node *n, void *ctx) {
  int_assigns *st = ctx;
  long v;
  if (!n->text || !int_value_depth(st->f, n, n->text, n->text + strlen(n->text), &v, st->depth + 1)) return false;
  if (!st->found || v > *st->out) *st->out = v;
  st->found = true;
  return true;
}

static bool int_value_depth(const ir_file *f, const ir_node *at, const char *s, const char *e, long *out, int depth) {
  if (int_lit(s, e, out)) return true;
  if (depth > 3) return false;
  while (s < e && isspace((unsigned char)*s)) s++;
  while (e > s && isspace((unsigned char)e[-1])) e--;
  if (e - s > 2 && *s == '(' && e[-1] == ')') { /* `(N)`: when its paren closes at the end */
    int level = 0;
    const char *q = s;
    for (; q < e; q++)
      if ((level += *q == '(' ? 1 : *q == ')' ? -1 : 0) == 0) break;
    if (q == e - 1) return int_value_depth(f, at, s + 1, e - 1, out, depth + 1);
  }
  if (f->lang == AL_LANG_C && c_array_count(f, at, s, e, out, depth)) return true;
  /* a + b, a * b of known integers */
  for (const char *p = s; p < e; p++) {
    if (*p != '+' && *p != '*') continue;
    long a, b;
    if (!int_value_depth(f, at, s, p, &a, depth + 1) || !int_value_depth(f, at, p + 1, e, &b, depth + 1)) return false;
    *out = *p == '+' ? a + b : a * b;
    return true;
  }
  while (s < e && isspace((unsigned char)*s)) s++;
  while (e > s && isspace((unsigned char)e[-1])) e--;
  if (s == e || e - s > 64) return false;
  char name[65];
  memcpy(name, s, (size_t)(e - s));
  name[e - s] = 0;
  for (const char *p = name; *p; p++)
    if (!isalnum((unsigned char)*p) && *p != '_') return false;
  if (f->lang == AL_LANG_C) return c_define(f, at, name, out, depth);
  const ir_node *fn = al_real_func(at);
  const ir_node *scopes[8];
  int ns = 0;
  for (const ir_node *p = fn; p && ns < 7; p = al_real_func(p)) scopes[ns++] = p; /* closures see outer locals */
  scopes[ns++] = f->root;
  int_assigns st = {f, out, depth, false};
  for (int k = 0; k < ns && !st.found; k++)
    if (!each_own_assign(f, scopes[k], name, int_assign, &st)) return false;
  bool found = st.found;
  /* a parameter: its literal default says the size callers use */
  if (!found && fn) {
    const char *src = f->src->text;
    size_t nl = strlen(name);
    for (const char *p = src + fn->span.start; p + nl < src + (fn->body ? fn->body : fn->span.end); p++) {
      if (strncmp(p, name, nl) || (p > src && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))) continue;
      const char *q = p + nl;
      while (*q == ' ') q++;
      if (*q != '=') continue;
      q++;
      const char *d = q;
      while (*d && *d != ',' && *d != ')') d++;
      return int_lit(q, d, out);
    }
  }
  return found;
}

static const char *const grow_ops[] = {".push", ".append", ".add", ".extend", ".unshift", ".insert"};

/* The length of the collection's name in a growing call's text (`xs` of `xs.push`), or 0. */
static size_t grown_name_len(const ir_node *c) {
  const char *t = c->text, *dot = t ? strrchr(t, '.') : NULL;
  if (!dot || dot == t) return 0;
  for (size_t i = 0; i < sizeof grow_ops / sizeof *grow_ops; i++)
    if (!strcmp(dot, grow_ops[i])) return (size_t)(dot - t);
  return 0;
}

static int cmp_growth(const void *a, const void *b) {
  const ir_node *x = *(const ir_node *const *)a, *y = *(const ir_node *const *)b;
  size_t xl = grown_name_len(x), yl = grown_name_len(y);
  int c = memcmp(x->text, y->text, xl < yl ? xl : yl);
  if (c) return c;
  if (xl != yl) return xl < yl ? -1 : 1;
  return x->span.start < y->span.start ? -1 : x->span.start > y->span.start;
}

/* The file's growing calls by collection name (in its arena), made on first use. */
static _Thread_local struct {
  uint64_t serial;
  const ir_node **at;
  size_t n;
} growths;

const ir_node *const *al_growth_calls(const ir_file *f, const char *name, size_t *count) {
  if (growths.serial != f->serial) {
    size_t n = ir_count_of_kind(f, IR_CALL), k = 0;
    const ir_node **g = al_arena_alloc((al_arena *)&f->arena, (n ? n : 1) * sizeof *g);
    for (ir_node *const *c = ir_of_kind(f, IR_CALL); *c; c++)
      if (grown_name_len(*c)) g[k++] = *c;
    if (k > 1) qsort(g, k, sizeof *g, cmp_growth);
    growths.serial = f->serial;
    growths.at = g;
    growths.n = k;
  }
  size_t nl = strlen(name), lo = 0, hi = growths.n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const ir_node *g = growths.at[mid];
    size_t gl = grown_name_len(g);
    int c = memcmp(g->text, name, gl < nl ? gl : nl);
    if (c < 0 || (!c && gl < nl)) lo = mid + 1;
    else hi = mid;
  }
  size_t end = lo;
  while (end < growths.n && grown_name_len(growths.at[end]) == nl && !memcmp(growths.at[end]->text, name, nl)) end++;
  *count = end - lo;
  return growths.at + lo;
}

/* `name.push(...)` / `.append` / `.add` / `.extend` / `.unshift` somewhere in root. */
static bool grown(const ir_file *f, const ir_node *root, const char *name) {
  size_t nl = strlen(name);
  if (root->span.end - root->span.start <= IR_SCAN_BYTES) {
    for (const ir_node *n = root->child; n; n = ir_next(n, root)) {
      if (n->kind != IR_CALL || !n->text || strncmp(n->text, name, nl)) continue;
      for (size_t k = 0; k < sizeof grow_ops / sizeof *grow_ops; k++)
        if (!strcmp(n->text + nl, grow_ops[k])) return true;
    }
    return false;
  }
  size_t count; /* a big root (a function of 30,000 gathers): from the file's list */
  const ir_node *const *g = al_growth_calls(f, name, &count);
  for (size_t i = 0; i < count; i++)
    if (ir_within(g[i], root)) return true;
  return false;
}

static bool literal_assign(const ir_node *n, void *ctx) {
  ((bool *)ctx)[(n->flags & IR_F_LITERAL) ? 0 : 1] = true;
  return true;
}

static bool name_bound_to_literals(const ir_file *f, const ir_node *at, const char *name) {
  const ir_node *fn = al_real_func(at);
  bool any = false, other = false;
  const ir_node *scopes[2] = {fn, f->root};
  for (int s = 0; s < 2; s++) {
    const ir_node *root = scopes[s];
    if (!root) continue;
    bool seen[2] = {false, false}; /* a literal, something else */
    each_own_assign(f, root, name, literal_assign, seen);
    any |= seen[0];
    other |= seen[1];
    if (any || other) {
      if (grown(f, root, name)) return false; /* a literal that a loop fills */
      break;
    }
  }
  return any && !other;
}

static bool iter_small_depth(const ir_file *f, const ir_node *at, const char *text, int depth);

static bool is_chunk_var(const ir_file *f, const ir_node *at, const char *name) {
  const al_kb_section *ch = al_kb_section_get(al_kb_for(f->lang), "chunkers");
  for (const ir_node *p = at->parent; p && p->kind != IR_FUNC; p = p->parent) {
    if (p->kind != IR_LOOP || !p->alias || strcmp(p->alias, name) || !p->name) continue;
    /* `for chunk in [xs[i:i + 10] for i in range(0, len(xs), 10)]`: each element a bounded slice */
    const char *comp = (p->name[0] == '[' || p->name[0] == '(') ? strstr(p->name, " for ") : NULL;
    if (comp) {
      char *el = al_fmt("%.*s", (int)(comp - p->name - 1), p->name + 1);
      bool r = el[0] && el[strlen(el) - 1] == ']' && iter_small_depth(f, at, el, 1);
      free(el);
      return r;
    }
    const char *paren = strchr(p->name, '(');
    if (!paren && ch) { /* `for (const chunk of chunks)`: a collection named as the chunkers are */
      const char *last = strrchr(p->name, '.');
      last = last ? last + 1 : p->name;
      for (size_t i = 0; i < ch->entries.len; i++) {
        const al_kb_entry *e = ch->entries.items[i];
        const char *el = strrchr(e->name, '.');
        if (!strcmp(last, el ? el + 1 : e->name)) return true;
      }
      return false;
    }
    if (!paren || !ch) return false;
    for (size_t i = 0; i < ch->entries.len; i++) {
      const al_kb_entry *e = ch->entries.items[i];
      const char *last = strrchr(e->name, '.');
      last = last ? last + 1 : e->name;
      size_t ln = strlen(last);
      size_t cl = (size_t)(paren - p->name);
      if (cl >= ln && !strncmp(paren - ln, last, ln) && (cl == ln || paren[-(long)ln - 1] == '.')) return true;
    }
    return false;
  }
  return false;
}

static bool iter_small_depth(const ir_file *f, const ir_node *at, const char *text, int depth);

typedef struct small_assigns {
  const ir_file *f;
  const ir_node *at;
  const char *name;
  int depth;
  bool any;
} small_assigns;

static bool small_assign(const ir_node *n, void *ctx) {
  small_assigns *st = ctx;
  if (!n->text || !strcmp(n->text, st->name) || !iter_small_depth(st->f, st->at, n->text, st->depth + 1)) return false;
  st->any = true;
  return true;
}

/* Every assignment of name in the enclosing function is itself small: `batch =
 * urls[i:i + 50]` (a chunk) then gather over batch. */
static bool name_bound_to_small(const ir_file *f, const ir_node *at, const char *name, int depth) {
  const ir_node *fn = al_real_func(at);
  if (!fn) return false;
  small_assigns st = {f, at, name, depth, false};
  if (!each_own_assign(f, fn, name, small_assign, &st)) return false;
  return st.any && !grown(f, fn, name);
}

/* A display that unpacks another collection: `[...items]`, `[*xs, y]`, `{**a}`: as big as
 * what it unpacks. */
static bool display_spreads(const char *text) {
  if (strstr(text, "...")) return true;
  for (const char *p = text; *p; p++) {
    if (*p != '[' && *p != '(' && *p != '{' && *p != ',') continue;
    const char *q = p + 1;
    while (*q == ' ' || *q == '\n' || *q == '\t') q++;
    if (*q == '*') return true;
  }
  return false;
}

static bool iter_small_depth(const ir_file *f, const ir_node *at, const char *text, int depth) {
  if (!text || depth > 4) return false;
  text = skip_ws(text);
  size_t tl = strlen(text);
  if (!tl || al_ends_with(text, "...")) return false;
  const char *args;
  size_t alen;
  static const char *const wrappers[] = {"enumerate", "sorted", "reversed", "list", "tuple", "set", "iter", "frozenset"};
  for (size_t i = 0; i < sizeof wrappers / sizeof *wrappers; i++) {
    if (call_of(text, wrappers[i], &args, &alen)) {
      char *inner = al_fmt("%.*s", (int)alen, args);
      char *comma = strchr(inner, ','); /* enumerate(xs, 1), sorted(xs, key=...) */
      if (comma) *comma = 0;
      bool r = iter_small_depth(f, at, inner, depth + 1);
      free(inner);
      return r;
    }
  }
  /* JS: `Object.values(o)`, `Object.keys(o)`, `Object.entries(o)`, `Array.from(xs, fn)`: as
   * many as what they are given (its first argument, up to a comma outside brackets);
   * `Array(4)`, `new Array(4)`, `Array.from({ length: 4 })`: that many */
  static const char *const js_wrappers[] = {"Object.values", "Object.keys", "Object.entries", "Array.from"};
  for (size_t i = 0; f->lang == AL_LANG_JS && i < sizeof js_wrappers / sizeof *js_wrappers; i++) {
    if (!call_of(text, js_wrappers[i], &args, &alen)) continue;
    size_t n = 0;
    for (int level = 0; n < alen && (level || args[n] != ','); n++)
      level += args[n] == '(' || args[n] == '[' || args[n] == '{' ? 1 : args[n] == ')' || args[n] == ']' || args[n] == '}' ? -1 : 0;
    char *inner = al_fmt("%.*s", (int)n, args);
    bool r = iter_small_depth(f, at, inner, depth + 1);
    free(inner);
    return r;
  }
  if (f->lang == AL_LANG_JS) {
    const char *a = al_starts_with(text, "new ") ? skip_ws(text + 4) : text;
    long k;
    /* `{ length: N }` (what Array.from is given): N items */
    const char *len = text[0] == '{' ? strstr(text, "length") : NULL;
    const char *v = len && skip_ws(text + 1) == len ? skip_ws(len + 6) : NULL;
    if (v && *v == ':') {
      const char *ve = v + 1;
      while (*ve && *ve != '}' && *ve != ',') ve++;
      return int_value(f, at, v + 1, ve, &k) && k <= AL_SMALL_COLLECTION;
    }
    /* `xs.fill(v)`: as many as xs */
    const char *fill = strstr(text, ".fill(");
    if (fill && text[tl - 1] == ')' && !strchr(fill + 6, '(')) {
      char *recv = al_fmt("%.*s", (int)(fill - text), text);
      bool r = iter_small_depth(f, at, recv, depth + 1);
      free(recv);
      return r;
    }
    if (call_of(a, "Array", &args, &alen) && !memchr(args, ',', alen))
      return int_value(f, at, args, args + alen, &k) && k <= AL_SMALL_COLLECTION;
    /* `[...X]`: X's items */
    if (text[0] == '[' && text[tl - 1] == ']' && !strncmp(skip_ws(text + 1), "...", 3)) {
      const char *in = skip_ws(text + 1) + 3;
      char *inner = al_fmt("%.*s", (int)(text + tl - 1 - in), in);
      bool r = !strchr(inner, ',') && iter_small_depth(f, at, inner, depth + 1);
      free(inner);
      return r;
    }
  }
  if (text[0] == '"' || text[0] == '\'' || text[0] == '`') return true;
  /* `i < n && i < 8`: bounded when any of the conditions is (C / JS loop headers) */
  const char *and = strstr(text, "&&");
  if (and && strchr(text, '<')) {
    char *left = al_fmt("%.*s", (int)(and - text), text);
    bool r = iter_small_depth(f, at, left, depth + 1) || iter_small_depth(f, at, and + 2, depth + 1);
    free(left);
    return r;
  }
  /* a counted loop header `i < N` / `i <= N` (JS for (;;)) */
  const char *lt = strchr(text, '<');
  if (lt && !strchr(lt + 1, '<')) {
    const char *rhs = lt + 1 + (lt[1] == '=');
    long v;
    if (int_value(f, at, rhs, text + tl, &v)) return v <= AL_SMALL_COLLECTION;
  }
  if (text[0] == '[' || text[0] == '(' || text[0] == '{')
    return !strstr(text, " for ") && !display_spreads(text); /* a literal display, not a comprehension */
  if (call_of(text, "range", &args, &alen)) {
    const char *end = args + alen, *comma = memchr(args, ',', alen);
    long a = 0, b;
    if (!comma) return int_value(f, at, args, end, &b) && b <= AL_SMALL_COLLECTION;
    const char *comma2 = memchr(comma + 1, ',', (size_t)(end - comma - 1));
    if (!int_value(f, at, args, comma, &a) || !int_value(f, at, comma + 1, comma2 ? comma2 : end, &b)) return false;
    long step = 1;
    if (comma2 && (!int_lit(comma2 + 1, end, &step) || step == 0)) return false;
    return (b - a) / (step < 0 ? -step : step) <= AL_SMALL_COLLECTION;
  }
  if ((call_of(text, "itertools.islice", &args, &alen) || call_of(text, "islice", &args, &alen))) {
    const char *end = args + alen, *last = end;
    while (last > args && last[-1] != ',') last--;
    long n;
    return last > args && int_lit(last, end, &n) && n <= AL_SMALL_COLLECTION;
  }
  if (text[tl - 1] == ']') {
    /* a slice xs[a:b] with an upper bound is a chunk */
    int level = 0;
    for (size_t i = tl; i-- > 0;) {
      if (text[i] == ']') level++;
      else if (text[i] == '[' && --level == 0) {
        const char *colon = memchr(text + i, ':', tl - i);
        return colon && colon[1] != ']' && colon[1] != ':';
      }
    }
    return false;
  }
  /* JS chunks: xs.slice(a, b) with an end (xs.slice(i) is the rest: not bounded) */
  const char *sl = strstr(text, ".slice(");
  if (!sl) sl = strstr(text, ".splice(");
  if (sl && text[tl - 1] == ')') {
    const char *open = strchr(sl, '(');
    if (memchr(open, ',', (size_t)(text + tl - open))) return true;
  }
  static const char *const views[] = {".items()", ".keys()", ".values()"};
  for (size_t i = 0; i < 3; i++)
    if (al_ends_with(text, views[i])) {
      char *recv = al_fmt("%.*s", (int)(tl - strlen(views[i])), text);
      bool r = iter_small_depth(f, at, recv, depth + 1);
      free(recv);
      return r;
    }
  for (const char *p = text; *p; p++)
    if (!isalnum((unsigned char)*p) && *p != '_') return false;
  return name_bound_to_literals(f, at, text) || is_chunk_var(f, at, text) || name_bound_to_small(f, at, text, depth);
}

const char *al_loop_over(const char *header, char *buf, size_t size) {
  if (!header) return NULL;
  const char *lt = strchr(header, '<'), *gt = strchr(header, '>');
  const char *op = lt && !gt ? lt : gt && !lt ? gt : NULL, *coll;
  if (!op) return header;
  size_t cl;
  if (op == lt) { /* `i < items.length`, `i <= xs.length - 1` */
    coll = op + 1 + (op[1] == '=');
    while (*coll == ' ') coll++;
    const char *dot = strstr(coll, ".length");
    if (!dot) return header;
    cl = (size_t)(dot - coll);
  } else { /* `items.length > i` */
    const char *dot = strstr(header, ".length");
    if (!dot || dot > op) return header;
    coll = header;
    cl = (size_t)(dot - header);
  }
  if (!cl || cl >= size) return header;
  for (size_t i = 0; i < cl; i++)
    if (!al_ident_char(coll[i]) && coll[i] != '.') return header;
  memcpy(buf, coll, cl);
  buf[cl] = 0;
  return buf;
}

bool al_iter_small(const ir_file *f, const ir_node *at, const char *iter) {
  return iter_small_depth(f, at, iter, 0);
}

/* ---- limiters ---- */

bool al_is_limiter(const ir_file *f, const char *name) {
  if (!name) return false;
  const al_kb *kb = al_kb_for(f->lang);
  if (al_kb_match(kb, "limiters", name)) return true;
  const al_kb_section *h = al_kb_section_get(kb, "limiter_name_hints");
  if (!h) return false;
  const char *last = strrchr(name, '.');
  last = last ? last + 1 : name;
  char low[128];
  size_t n = 0;
  for (; last[n] && n + 1 < sizeof low; n++) low[n] = (char)tolower((unsigned char)last[n]);
  low[n] = 0;
  for (size_t i = 0; i < h->entries.len; i++) {
    const al_kb_entry *e = h->entries.items[i];
    if (strstr(low, e->name)) return true;
  }
  return false;
}

static bool limiter_item(const ir_file *f, const char *item, void *ctx) {
  (void)ctx;
  return al_is_limiter(f, item);
}

bool al_with_has_limiter(const ir_file *f, const ir_node *w) {
  return al_list_find(f, w->name, ",", limiter_item, NULL) != NULL;
}

/* local_library_type's step: n, in the function's own body before `at`, may assign var. */
static void library_type_from(const ir_file *f, const ir_node *n, const char *var, const char **type, bool *assigned) {
  const al_kb *kb = al_kb_for(f->lang);
  const al_kb_entry *e = NULL;
  if (n->kind == IR_ASSIGN && n->name && !strcmp(n->name, var)) {
    *assigned = true;
    *type = n->type;
    const ir_node *c = n->child;
    bool awaited = c && c->kind == IR_AWAIT;
    if (awaited) c = c->child;
    if (!*type && c && c->kind == IR_CALL && c->name) {
      if (c->flags & IR_F_NEW) *type = c->name;
      else if ((e = al_kb_match(kb, awaited ? "resolves" : "returns", c->name))) *type = al_kb_attr(e, "type");
      else if (!awaited && f->lang == AL_LANG_PYTHON && al_capitalised_last(c->name)) *type = c->name; /* a class */
    }
  } else if (n->kind == IR_WITH && (n->flags & IR_F_ASYNC) && n->alias && n->name && !strcmp(n->alias, var) &&
             !strchr(n->name, ',')) {
    *assigned = true;
    *type = (e = al_kb_match(kb, "resolves", n->name)) ? al_kb_attr(e, "type") : NULL;
  }
}

/* The library type of local var at `at`: its last assignment before `at` in the function
 * (a type the front end gave it, a `new X()`, or what knowledge says the call returns or
 * its awaited promise resolves to), or Python's `async with f(...) as var` (what f
 * resolves to); NULL when unknown. *assigned: the function assigns var before `at`. */
static const char *local_library_type(const ir_file *f, const ir_node *at, const char *var, bool *assigned) {
  const ir_node *fn = ir_enclosing_func(at), *root = fn ? fn : f->root;
  const char *type = NULL;
  *assigned = false;
  if (root->span.end - root->span.start <= IR_SCAN_BYTES) {
    for (const ir_node *n = root->child; n && n->span.start < at->span.start;
         n = n->kind == IR_FUNC || n->kind == IR_CLASS ? ir_next_skip(n, root) : ir_next(n, root))
      library_type_from(f, n, var, &type, assigned);
  } else { /* a big one: its bindings of var (a function of 20,000 loops: seconds when walked per loop) */
    size_t count;
    const ir_binding *b = ir_bindings_of(f, var, strlen(var), &count);
    for (size_t i = 0; i < count && b[i].n->span.start < at->span.start; i++) {
      if (in_own_body(b[i].n, root)) library_type_from(f, b[i].n, var, &type, assigned);
    }
  }
  /* not assigned before: a parameter of the function, typed by its annotation (Python) */
  for (uint32_t i = 0; fn && !*assigned && !type && i < fn->nargs; i++) {
    const ir_arg *a = &fn->args[i];
    if (a->ref_member && a->text && !strcmp(a->text, var))
      type = a->ref_module ? al_arena_fmt((al_arena *)&f->arena, "%s.%s", a->ref_module, a->ref_member) : a->ref_member;
  }
  return type;
}

const al_kb_entry *al_local_async_only(const ir_file *f, const ir_node *at, const char *var, const char **type) {
  bool assigned;
  const char *t = al_is_identifier(var) ? local_library_type(f, at, var, &assigned) : NULL;
  const al_kb_entry *e = t ? al_kb_match(al_kb_for(f->lang), "async_iterables", t) : NULL;
  if (e && type) *type = t;
  return e;
}

const al_kb_entry *al_loop_over_async_only(const ir_file *f, const ir_node *loop, const char **type) {
  if ((loop->flags & (IR_F_ASYNC | IR_F_WHILE)) || !loop->body || !loop->name ||
      (f->lang != AL_LANG_PYTHON && f->lang != AL_LANG_JS))
    return NULL;
  /* a local, or an attribute of the instance (`self.ws`, `this.rl`: only what the front end typed) */
  bool local = al_is_identifier(loop->name);
  if (!local && !loop->type) return NULL;
  if (f->lang == AL_LANG_JS && !al_code_contains(f, loop->span.start, loop->body, " of")) return NULL;
  bool assigned = false;
  const char *t = local ? local_library_type(f, loop, loop->name, &assigned) : NULL;
  /* not assigned in the function: the type the front end knows (a parameter's annotation,
   * a tuple target's, an attribute's) */
  if (!assigned) t = loop->type;
  const al_kb_entry *e = t ? al_kb_match(al_kb_for(f->lang), "async_iterables", t) : NULL;
  if (e && type) *type = t;
  return e;
}

char al_spread_in(const ir_file *f, const ir_node *n) {
  const char *t = f->src->text;
  uint32_t b = n->span.start;
  while (b > 0 && (t[b - 1] == ' ' || t[b - 1] == '\t' || t[b - 1] == '\n' || t[b - 1] == '\r' || t[b - 1] == '('))
    b--;
  if (b < 3 || memcmp(t + b - 3, "...", 3)) return 0;
  int depth = 0;
  for (uint32_t i = b - 3; i > 0; i--) {
    char ch = t[i - 1];
    if (ch == ')' || ch == ']' || ch == '}') depth++;
    else if (ch == '(' || ch == '[' || ch == '{') {
      if (!depth) return ch;
      depth--;
    }
  }
  return 0;
}

bool al_async_only_consumed(const ir_file *f, const ir_node *n, al_consumed *out) {
  /* such objects are made and kept in async code (`async with`, awaited factories) */
  if (!n->func || !(n->func->flags & IR_F_ASYNC)) return false;
  out->how = 0;
  if (f->lang == AL_LANG_PYTHON && (n->kind == IR_ASSIGN || n->kind == IR_RETURN) &&
      (n->flags & IR_F_COMPREHENSION) && n->member &&
      !al_code_contains(f, n->span.start, n->span.end, "async for") &&
      (out->e = al_local_async_only(f, n, n->member, &out->type))) { /* `lines = [l for l in fh]`, `(l for l in fh)` */
    out->var = n->member;
    out->how = 'c';
    return true;
  }
  if (f->lang == AL_LANG_PYTHON && n->kind == IR_CALL && n->name) {
    bool iterates = al_kb_find(al_kb_for(f->lang), "iterates", n->name) != NULL;
    for (uint32_t i = 0; i < n->nargs; i++) {
      const ir_arg *a = &n->args[i];
      if (a->flags & IR_ARG_KEYWORD) continue;
      /* (the argument's text is cut at 80 bytes: the call's own text says whether it is `async for`) */
      bool comp = (a->flags & IR_ARG_COMPREHENSION) && a->iter &&
                  !al_code_contains(f, n->span.start, n->span.end, "async for");
      const char *var = comp ? a->iter : iterates && !(a->flags & IR_ARG_COMPREHENSION) ? a->text : NULL;
      if (!var || !(out->e = al_local_async_only(f, n, var, &out->type))) continue;
      out->var = var;
      out->how = comp ? 'c' : 'i';
      return true;
    }
    return false;
  }
  if (f->lang != AL_LANG_JS || n->kind != IR_USE || !n->name) return false;
  const ir_node *c = n->parent;
  char where = al_spread_in(f, n);
  bool from = !where && c && c->kind == IR_CALL && c->name && !strcmp(c->name, "Array.from") && c->nargs &&
              c->args[0].text && !strcmp(c->args[0].text, n->name);
  if (where != '[' && where != '(' && !from) return false;
  /* a local's last assignment, else the type the front end bound (a parameter's annotation) */
  bool assigned = false;
  const char *t = local_library_type(f, n, n->name, &assigned);
  if (!assigned) t = n->type;
  if (!t || !(out->e = al_kb_match(al_kb_for(f->lang), "async_iterables", t))) return false;
  out->type = t;
  out->var = n->name;
  out->how = from ? 'f' : where;
  return true;
}

const ir_node *al_loop_iterated_call(const ir_file *f, const ir_node *loop) {
  if (loop->kind != IR_LOOP || (loop->flags & IR_F_WHILE) || !loop->body || !loop->name) return NULL;
  const ir_node *it = NULL;
  for (const ir_node *c = loop->child; c && !it; c = c->next)
    if (c->kind == IR_CALL && c->span.end <= loop->body) it = c;
  if (!it) return NULL;
  size_t k = strcspn(loop->name, "(");
  if (!k || it->span.start + k > f->src->len || strncmp(f->src->text + it->span.start, loop->name, k)) return NULL;
  if (f->lang == AL_LANG_JS && !al_code_contains(f, loop->span.start, it->span.start, " of")) return NULL;
  return it;
}

static bool async_cm_item(const ir_file *f, const char *item, void *ctx) {
  (void)ctx;
  return al_kb_match(al_kb_for(f->lang), "async_context_managers", item) != NULL;
}

const char *al_sync_with_async_cm(const ir_file *f, const ir_node *n) {
  if (n->kind != IR_WITH || (n->flags & IR_F_ASYNC) || !n->name || f->lang != AL_LANG_PYTHON) return NULL;
  return al_list_find(f, n->name, ",", async_cm_item, NULL);
}

bool al_js_limiter_call(const ir_file *f, const ir_node *n) {
  if (f->lang != AL_LANG_JS || n->kind != IR_CALL || !n->name) return false;
  if (al_is_limiter(f, n->name)) return true; /* limit(() => ...) */
  const char *dot = strrchr(n->name, '.');
  if (!dot || (size_t)(dot - n->name) >= 256) return false;
  char recv[256]; /* queue.add(...), limiter.schedule(...) */
  memcpy(recv, n->name, (size_t)(dot - n->name));
  recv[dot - n->name] = 0;
  return al_is_limiter(f, recv);
}

/* JS: an argument that is a function: an inline one, or a name (not a call's result). */
static bool handed_a_function(const ir_arg *a) {
  if (a->flags & IR_ARG_LAMBDA) return true;
  if (a->flags & (IR_ARG_LITERAL | IR_ARG_NULL | IR_ARG_SPREAD) || !a->text || !a->text[0]) return false;
  return !strpbrk(a->text, "(`'\"");
}

bool al_acquires_limiter(const ir_file *f, const ir_node *root) {
  for (const ir_node *n = root->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, root) : ir_next(n, root)) {
    if (n->kind == IR_WITH && al_with_has_limiter(f, n)) return true;
    /* the function's work goes through a limiter: `limit(() => ...)`, `queue.add(task)`
     * (a function as the first argument first: this runs on every call of every
     * function the index records) */
    if (f->lang == AL_LANG_JS && n->kind == IR_CALL && n->nargs && handed_a_function(&n->args[0]) &&
        al_js_limiter_call(f, n))
      return true;
    if (n->kind == IR_CALL && n->name && f->lang == AL_LANG_C && al_kb_find(al_kb_for(f->lang), "limiters", n->name))
      return true; /* rt_sem_acquire(&sem, ...) */
    if (n->kind == IR_CALL && n->name && al_ends_with(n->name, ".acquire")) {
      char *recv = al_fmt("%.*s", (int)(strlen(n->name) - 8), n->name);
      bool r = al_is_limiter(f, recv);
      free(recv);
      if (r) return true;
    }
  }
  return false;
}

bool al_loop_counts_in_flight(const ir_file *f, const ir_node *loop) {
  if (f->lang != AL_LANG_C) return false;
  const al_kb_section *h = al_kb_section_get(al_kb_for(f->lang), "limiter_name_hints");
  for (size_t i = 0; h && i < h->entries.len; i++)
    if (al_code_contains(f, loop->span.start, loop->span.end, ((const al_kb_entry *)h->entries.items[i])->name))
      return true;
  return false;
}

/* text (`fetch`, `lib.fetch`, `B.load`) names something imported: the module it comes
 * from and the dotted name inside it (in the file's arena). */
static bool import_of(const ir_file *f, const char *text, const char **module, const char **member) {
  size_t head = strcspn(text, ".");
  ir_file *fw = (ir_file *)f;
  for (const ir_node *n = f->root->child; n; n = n->next) {
    if (n->kind != IR_IMPORT || !n->name) continue;
    if (n->member && n->alias && strlen(n->alias) == head && !strncmp(n->alias, text, head)) {
      *module = n->name;
      *member = text[head] ? al_arena_fmt(&fw->arena, "%s%s", n->member, text + head) : n->member;
      return true;
    }
    if (!n->member) { /* the module itself: `import lib`, `import a.b`, `import * as B` */
      const char *local = n->alias ? n->alias : n->name;
      size_t ll = strlen(local);
      if (strncmp(text, local, ll) || text[ll] != '.') continue;
      *module = n->name;
      *member = text + ll + 1;
      return true;
    }
  }
  return false;
}

const char *al_imported_name(const ir_file *f, const char *text) {
  const char *module, *member;
  if (!text || !import_of(f, text, &module, &member)) return text;
  return al_arena_fmt(&((ir_file *)f)->arena, "%s.%s", module, member);
}

bool al_fn_surely_plain(const al_func_info *fn) {
  return fn && (fn->flags & (AL_FN_RETURNS_PLAIN | AL_FN_RETURNS_NOTHING)) &&
         !(fn->func->flags & (IR_F_ASYNC | IR_F_GENERATOR | IR_F_DECORATED | IR_F_METHOD | IR_F_LAMBDA));
}

bool al_fn_async_gen(const al_func_info *fn) {
  return fn && (fn->func->flags & (IR_F_ASYNC | IR_F_GENERATOR | IR_F_DECORATED)) == (IR_F_ASYNC | IR_F_GENERATOR);
}

bool al_fn_coroutine(const al_func_info *fn) {
  return fn && (fn->func->flags & (IR_F_ASYNC | IR_F_GENERATOR | IR_F_DECORATED)) == IR_F_ASYNC;
}

const al_func_info *al_ref_fn(const ir_file *f, const al_index *idx, const ir_node *call, const char *text) {
  if (!text || !*text) return NULL;
  /* resolved as the front end resolves a call of that name: a method of the class
   * around (`self.m`, `this.m`, `cls.m` -> Class.m), an imported name (`fetch` after
   * `from lib import fetch`, `lib.fetch` after `import lib` -> module lib, member
   * fetch), else a function of this file. The strings built here live in the file's
   * arena: the index's answer memo keys on their addresses. */
  ir_node fake = {.kind = IR_CALL, .parent = (ir_node *)call, .member = text, .name = text};
  for (uint32_t i = 0; i < call->nargs; i++) /* the front end resolved it through a typed receiver */
    if (call->args[i].text == text && call->args[i].ref_member) {
      fake.module = call->args[i].ref_module, fake.member = call->args[i].ref_member;
      fake.name = fake.module ? al_arena_fmt((al_arena *)&f->arena, "%s.%s", fake.module, fake.member) : fake.member;
      return al_index_resolve(idx, f, &fake);
    }
  size_t head = strcspn(text, ".");
  const ir_node *cls = text[head] ? ir_enclosing_class(call) : NULL;
  ir_file *fw = (ir_file *)f;
  if (cls && cls->name && ((head == 4 && (!strncmp(text, "self", 4) || !strncmp(text, "this", 4))) ||
                           (head == 3 && !strncmp(text, "cls", 3)))) {
    fake.name = fake.member = al_arena_fmt(&fw->arena, "%s%s", cls->name, text + head);
    fake.flags = IR_F_SELF;
    return al_index_resolve(idx, f, &fake);
  }
  /* (not when a parameter or a local of the function around has the name) */
  const ir_node *scope = ir_enclosing_func(call);
  bool local = scope && (ir_has_param(scope, text, head) || ir_binds_local(f, scope, text, head, call->span.start));
  if (!local && import_of(f, text, &fake.module, &fake.member))
    fake.name = al_arena_fmt(&fw->arena, "%s.%s", fake.module, fake.member);
  const al_func_info *fn = al_index_resolve(idx, f, &fake);
  /* JS: a function declared in an anonymous callback around the call is named by where that
   * callback starts (`const refuse = async () => ...` in `test('t', () => {...})` at line L:
   * `<anonymous@L>.refuse`, as the front end names it and rewrites its direct calls) */
  for (const ir_node *in = scope; !fn && f->lang == AL_LANG_JS && !text[head] && in;
       in = ir_enclosing_func(in)) {
    if (!(in->flags & IR_F_LAMBDA)) break; /* a named function qualifies its own (its name.text) */
    fake.module = NULL;
    fake.name = fake.member = al_arena_fmt(&fw->arena, "<anonymous@%u>.%s", in->span.line, text);
    fn = al_index_resolve(idx, f, &fake);
  }
  return fn;
}

const al_func_info *al_arg_async_fn(const ir_file *f, const al_index *idx, const ir_node *call, const char *text) {
  const al_func_info *fn = al_ref_fn(f, idx, call, text);
  return fn && (fn->func->flags & IR_F_ASYNC) && !(fn->func->flags & IR_F_GENERATOR) ? fn : NULL;
}

bool al_callee_limited(const ir_file *f, const al_index *idx, const ir_node *call) {
  const al_func_info *fn = al_index_resolve(idx, f, call);
  return fn && (fn->flags & AL_FN_LIMITED);
}

/* ---- cancellation ---- */

bool al_is_cancelled_type(const ir_file *f, const char *name) {
  return name && al_kb_match(al_kb_for(f->lang), "cancelled", name);
}

static bool cancel_item(const ir_file *f, const char *item, void *ctx) {
  bool broad = *(const bool *)ctx;
  return broad ? al_kb_find(al_kb_for(f->lang), "catch_all", item) != NULL : al_is_cancelled_type(f, item);
}

bool al_handler_catches_cancel(const ir_file *f, const ir_node *h, bool broad) {
  if (!h->name) return broad;
  return al_list_find(f, h->name, ",", cancel_item, &broad) != NULL;
}

/* The try body awaits outside any shielded scope (a shield keeps outer cancellation out). */
bool al_try_awaits(const ir_file *f, const ir_node *try_node) {
  for (const ir_node *c = try_node->child; c; c = c->next) {
    if (c->kind == IR_HANDLER || c->kind == IR_FINALLY || c->kind == IR_FUNC) continue;
    for (const ir_node *n = c; n; n = (n->kind == IR_FUNC || (n->kind == IR_WITH && al_shielded_with(f, n)))
                                          ? ir_next_skip(n, c) : ir_next(n, c)) {
      if (n->kind == IR_WITH && al_shielded_with(f, n)) continue;
      if (n->kind == IR_AWAIT) return true;
      if ((n->kind == IR_LOOP || n->kind == IR_WITH) && (n->flags & IR_F_ASYNC)) return true;
    }
  }
  return false;
}


bool al_handler_reraises(const ir_node *h) {
  for (const ir_node *n = h->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, h) : ir_next(n, h))
    if (n->kind == IR_RAISE) return true;
  return false;
}

/* The handler can leave without raising: a return, or a break/continue of a loop around
 * the try (not one inside the handler). */
static bool handler_exits_quietly(const ir_node *h) {
  for (const ir_node *n = h->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, h) : ir_next(n, h)) {
    if (n->kind == IR_RETURN) return true;
    if (n->kind != IR_BREAK && n->kind != IR_CONTINUE) continue;
    bool inner = false;
    for (const ir_node *p = n->parent; p && p != h && !inner; p = p->parent) inner = p->kind == IR_LOOP;
    if (!inner) return true;
  }
  return false;
}

/* The handler asks whether the task is still being cancelled (knowledge `cancel_state`:
 * `task.cancelling()`), so its quiet exit is for a withdrawn cancellation. A function
 * defined inside the handler is not the handler asking (as in handler_exits_quietly). */
bool al_handler_checks_cancel_state(const ir_file *f, const ir_node *h) {
  const al_kb *kb = al_kb_for(f->lang);
  for (const ir_node *n = h->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, h) : ir_next(n, h))
    if (n->kind == IR_CALL && n->name && al_kb_match(kb, "cancel_state", n->name)) return true;
  return false;
}

/* The handler withdraws the cancellation on purpose (knowledge `cancel_withdrawals`:
 * `task.uncancel()`): it decided; or it ends the process. */
static bool handler_withdraws(const al_kb *kb, const ir_node *h) {
  for (const ir_node *n = h->child; n; n = ir_next(n, h))
    if (n->kind == IR_CALL && n->name && al_kb_match(kb, "cancel_withdrawals", n->name)) return true;
  return al_handler_exits_process(kb, h);
}

/* Every raise of the handler raises another exception (`raise TimeoutError() from
 * exc`), none re-raises the cancellation (bare `raise`, `raise exc`, a Cancelled...):
 * the first such raise, else NULL. flake8-async ASYNC104. */
const ir_node *al_handler_replacing_raise(const ir_file *f, const ir_node *h) {
  const ir_node *first = NULL;
  for (const ir_node *n = h->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, h) : ir_next(n, h)) {
    if (n->kind != IR_RAISE) continue;
    if (!n->name || (n->flags & IR_F_BARE)) return NULL;
    size_t head = strcspn(n->name, "( "); /* the raised class or variable, not its arguments */
    if (memmem(n->name, head, "Cancel", 6) || memmem(n->name, head, "cancel", 6) || al_is_cancelled_type(f, n->name))
      return NULL;
    if (h->alias) {
      size_t l = strlen(h->alias);
      if (!strncmp(n->name, h->alias, l) && !(isalnum((unsigned char)n->name[l]) || n->name[l] == '_')) return NULL;
    }
    if (!first) first = n;
  }
  return first;
}

/* Python: the function's header declares an awaitable result (`-> Awaitable[int]`;
 * knowledge `awaitable_types`). */
bool al_py_returns_awaitable_by_design(const ir_file *f, const ir_node *fn) {
  const char *t = f->src->text;
  uint32_t e = fn->span.start;
  while (e < fn->span.end && t[e] != '\n') e++;
  const al_kb_section *sec = al_kb_section_get(al_kb_for(f->lang), "awaitable_types");
  for (size_t k = 0; sec && k < sec->entries.len; k++)
    if (al_code_contains(f, fn->span.start, e, ((const al_kb_entry *)sec->entries.items[k])->name)) return true;
  return false;
}

bool al_handler_exits_process(const al_kb *kb, const ir_node *h) {
  for (const ir_node *n = h->child; n; n = ir_next(n, h))
    if (n->kind == IR_CALL && n->name && al_kb_find(kb, "process_exits", n->name)) return true;
  return false;
}

/* Python: the handler is in an `__aexit__`/`__exit__`, compares what it caught with the
 * exception passed in (`if exc is not value: raise`, `if sys.exc_info()[1] is value:
 * return False`) and leaves quietly only by a falsy return — contextlib's protocol: the
 * `with` statement then re-raises the exception passed in, which is the one caught, and
 * any other is raised. */
static bool exit_passes_on(const ir_file *f, const ir_node *h) {
  const ir_node *fn = al_real_func(h);
  if (f->lang != AL_LANG_PYTHON || !fn || !fn->name || fn->nargs < 3 || !fn->args[2].text) return false;
  const char *dot = strrchr(fn->name, '.'), *base = dot ? dot + 1 : fn->name;
  if (strcmp(base, "__aexit__") && strcmp(base, "__exit__")) return false;
  const char *v = fn->args[2].text;
  size_t vl = 0;
  while (isalnum((unsigned char)v[vl]) || v[vl] == '_') vl++;
  if (!vl) return false;
  const char *t = f->src->text;
  bool compared = false; /* `is v` / `is not v`, v a whole word */
  for (uint32_t i = h->span.start; i + 3 + vl <= h->span.end && !compared; i++) {
    if (t[i] != 'i' || t[i + 1] != 's' || t[i + 2] != ' ' || (i > 0 && (isalnum((unsigned char)t[i - 1]) || t[i - 1] == '_')))
      continue;
    uint32_t j = i + 3;
    if (j + 4 <= h->span.end && !memcmp(t + j, "not ", 4)) j += 4;
    compared = j + vl <= h->span.end && !memcmp(t + j, v, vl) &&
               (j + vl == h->span.end || !(isalnum((unsigned char)t[j + vl]) || t[j + vl] == '_'));
  }
  if (!compared) return false;
  for (const ir_node *n = h->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, h) : ir_next(n, h)) {
    if (n->kind == IR_BREAK || n->kind == IR_CONTINUE) return false;
    if (n->kind != IR_RETURN) continue;
    uint32_t i = n->span.start + 6;
    while (i < n->span.end && t[i] == ' ') i++;
    if (i < n->span.end && strncmp(t + i, "False", 5) && strncmp(t + i, "None", 4)) return false;
  }
  return true;
}

bool al_handler_propagates(const ir_file *f, const ir_node *h) {
  const al_kb *kb = al_kb_for(f->lang);
  /* a raise on one path and a quiet exit on another (`if x: raise` then `return`) still
   * swallows it on that other path (flake8-async ASYNC103/104) — unless that path is
   * the one the task's own accounting chose (`if task.uncancel() == 0: return`) */
  /* a handler that sorts what it caught (`isinstance(e, ...)`): the front end followed the
   * cancellation's own path through it */
  if (h->flags & IR_F_CANCEL_RAISES) return true;
  if (al_handler_reraises(h) && !(h->flags & IR_F_CANCEL_QUIET))
    return !(handler_exits_quietly(h) || (h->flags & IR_F_FALLS_THROUGH)) || al_handler_checks_cancel_state(f, h) ||
           handler_withdraws(kb, h) || exit_passes_on(f, h);
  /* forwarded: fut.set_exception(exc), gen.throw(exc), self._add_exc(exc),
   * errors.append(exc) -- handed to code that deals with it; logging (knowledge
   * `log_calls`) is not. Withdrawn on purpose: the handler decided. */
  if (handler_withdraws(kb, h)) return true;
  for (const ir_node *n = h->child; n; n = ir_next(n, h)) {
    if (n->kind != IR_CALL || !h->alias || !n->name) continue;
    const char *last = strrchr(n->name, '.');
    last = last ? last + 1 : n->name;
    bool sink = al_kb_find(kb, "log_calls", last) != NULL;
    if (sink) continue;
    for (uint32_t i = 0; i < n->nargs; i++)
      if (n->args[i].text && !strcmp(n->args[i].text, h->alias)) return true;
  }
  /* the same without an `as` name: `state.set_exception(sys.exc_info())`, `self._exc_info =
   * sys.exc_info()` (knowledge `current_exception`) */
  for (const ir_node *n = h->child; n; n = ir_next(n, h)) {
    if (n->kind != IR_CALL || !n->name || !al_kb_find(kb, "current_exception", n->name)) continue;
    const ir_node *to = n->parent;
    if (n->use == IR_USE_PASSED && to && to->kind == IR_CALL && to->name) {
      const char *last = strrchr(to->name, '.');
      if (!al_kb_find(kb, "log_calls", last ? last + 1 : to->name)) return true;
    } else if (n->use == IR_USE_ASSIGNED && n->alias && strpbrk(n->alias, ".[")) {
      return true;
    }
  }
  /* handed off by storing the exception object: `errors[i] = exc`, `self._exc = exc` */
  if (h->alias) {
    const char *t = f->src->text;
    size_t al = strlen(h->alias);
    for (uint32_t i = h->span.start; i + 1 < h->span.end; i++) {
      if (t[i] != '=' || t[i + 1] == '=' || (i > 0 && strchr("=!<>", t[i - 1]))) continue;
      uint32_t j = i + 1;
      while (j < h->span.end && t[j] == ' ') j++;
      if (j + al <= h->span.end && !strncmp(t + j, h->alias, al) &&
          (j + al == h->span.end || !(isalnum((unsigned char)t[j + al]) || t[j + al] == '_' || t[j + al] == '.')))
        return true;
    }
  }
  /* deferred: the handler records it (flag or the exception) and the function raises
   * a cancellation, or that variable, after the handler */
  const ir_node *fn = al_real_func(h);
  if (!fn) return false;
  for (const ir_node *r = fn->child; r; r = ir_next(r, fn)) {
    if (r->kind != IR_RAISE || r->span.start < h->span.end || !r->name) continue;
    if (strstr(r->name, "Cancel")) return true;
    for (const ir_node *a = h->child; a; a = ir_next(a, h))
      if (a->kind == IR_ASSIGN && a->name && al_starts_with(r->name, a->name)) {
        size_t l = strlen(a->name);
        if (r->name[l] == 0 || r->name[l] == '.' || r->name[l] == ' ' || r->name[l] == '(' || r->name[l] == '[')
          return true; /* (`raise exc_details[1]`, of `exc_details = sys.exc_info()`) */
      }
  }
  return false;
}

bool al_has_await(const ir_node *root) {
  for (const ir_node *n = root->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, root) : ir_next(n, root)) {
    if (n->kind == IR_AWAIT) return true;
    if ((n->kind == IR_LOOP || n->kind == IR_WITH) && (n->flags & IR_F_ASYNC)) return true;
  }
  return false;
}

/* ---- Python fix helpers ---- */

const char *al_py_module_alias(const ir_file *f, const char *module) {
  for (ir_node *const *at = ir_of_kind(f, IR_IMPORT); *at; at++)
    if (!(*at)->member && (*at)->name && !strcmp((*at)->name, module)) return (*at)->alias;
  return NULL;
}

const char *al_py_async_lib(const ir_file *f) {
  bool trio = false, anyio = false;
  for (ir_node *const *at = ir_of_kind(f, IR_IMPORT); *at; at++) {
    const ir_node *n = *at;
    if (!n->name) continue;
    if (!strcmp(n->name, "asyncio") || al_starts_with(n->name, "asyncio.")) return "asyncio";
    if (!strcmp(n->name, "trio") || al_starts_with(n->name, "trio.")) trio = true;
    if (!strcmp(n->name, "anyio") || al_starts_with(n->name, "anyio.")) anyio = true;
  }
  if (anyio || trio) return anyio ? "anyio" : "trio";
  return f->py_runtime ? f->py_runtime : "asyncio"; /* none imported: the configured one */
}

static bool api_has_prefix(const ir_file *f, const char *prefix, void *api) {
  (void)f;
  return *prefix && al_starts_with(api, prefix);
}

/* C: the loop library fn runs under (knowledge `loop_libraries`, by the prefix of the
 * API that registered it, or of the callback type its parameters match), or NULL. */
static const al_kb_entry *c_loop_library(const ir_file *f, const ir_node *fn) {
  const char *api = fn->member ? fn->member : (fn->flags & IR_F_CB_SIGNATURE) ? fn->alias : NULL;
  const al_kb_section *libs = api ? al_kb_section_get(al_kb_for(f->lang), "loop_libraries") : NULL;
  for (size_t i = 0; libs && i < libs->entries.len; i++) {
    const al_kb_entry *lib = libs->entries.items[i];
    if (al_list_find(f, al_kb_attr(lib, "prefixes"), " ", api_has_prefix, (void *)api)) return lib;
  }
  return NULL;
}

/* C: what to use instead of the blocking call of entry e (of `category`) in fn: the text
 * of the entry's `advice` key for the loop fn runs under — that library's key, else its
 * category, else the `any` entry's key — after the entry's own `use` when it has both
 * (written into buf); the entry's `use` alone otherwise. */
const char *al_c_loop_advice(const ir_file *f, const ir_node *fn, const char *category, const al_kb_entry *e, char *buf,
                             size_t cap) {
  const char *use = al_kb_attr(e, "use"), *key = al_kb_attr(e, "advice");
  if (!key && !use) key = category; /* an entry a configuration adds (`{name: f, category: sleep}`) */
  if (f->lang != AL_LANG_C || !key) return use;
  const al_kb_entry *lib = fn ? c_loop_library(f, fn) : NULL;
  const char *text = lib ? al_kb_attr(lib, key) : NULL;
  if (!text && lib && category) text = al_kb_attr(lib, category);
  if (!text) {
    const al_kb_entry *any = al_kb_find(al_kb_for(f->lang), "loop_libraries", "any");
    text = any ? al_kb_attr(any, key) : NULL;
  }
  if (!text || !use) return text ? text : use;
  snprintf(buf, cap, "%s, or %s", use, text);
  return buf;
}

static const char *const py_async_libs[] = {"asyncio", "trio", "anyio"};

/* The index in py_async_libs of the library a dotted name starts with, or -1. */
static int py_lib_of_name(const char *name) {
  for (int i = 0; name && i < 3; i++) {
    size_t l = strlen(py_async_libs[i]);
    if (!strncmp(name, py_async_libs[i], l) && name[l] == '.') return i;
  }
  return -1;
}

const char *al_py_async_lib_of(const ir_file *f, const ir_node *n) {
  int i = n->kind == IR_CALL ? py_lib_of_name(n->name) : -1;
  return i >= 0 ? py_async_libs[i] : al_py_async_lib_at(f, n);
}

const char *al_py_async_lib_at(const ir_file *f, const ir_node *at) {
  const ir_node *fn = at ? al_real_func(at) : NULL;
  /* the last answer, per thread: a rule asks for every finding of one function (60,000
   * findings in one function made this quadratic) */
  static _Thread_local uint64_t memo_serial;
  static _Thread_local const ir_node *memo_fn;
  static _Thread_local const char *memo_lib;
  if (memo_lib && memo_serial == f->serial && memo_fn == fn) return memo_lib;
  memo_serial = f->serial;
  memo_fn = fn;
  memo_lib = NULL;
  bool seen[3] = {false, false, false};
  for (const ir_node *n = fn ? fn->child : NULL; n; n = ir_next(n, fn)) {
    int i = n->kind == IR_CALL || n->kind == IR_WITH ? py_lib_of_name(n->name) : -1;
    if (i >= 0) seen[i] = true;
  }
  if (seen[0] + seen[1] + seen[2] == 1) return memo_lib = py_async_libs[seen[0] ? 0 : seen[1] ? 1 : 2];
  return memo_lib = al_py_async_lib(f);
}

uint32_t al_line_start(const ir_file *f, uint32_t off) {
  const char *t = f->src->text;
  while (off > 0 && t[off - 1] != '\n' && t[off - 1] != '\r') off--;
  return off;
}

size_t al_indent_at(const ir_file *f, uint32_t off, char *buf, size_t cap) {
  uint32_t s = al_line_start(f, off);
  size_t n = 0;
  const char *t = f->src->text;
  while (s + n < f->src->len && (t[s + n] == ' ' || t[s + n] == '\t') && n + 1 < cap) {
    buf[n] = t[s + n];
    n++;
  }
  buf[n] = 0;
  return n;
}

void al_py_add_import(al_fix *fx, const ir_file *f, const char *module) {
  if (al_py_module_alias(f, module)) return;
  const ir_node *first = NULL, *future = NULL;
  for (const ir_node *n = f->root->child; n; n = n->next) {
    if (n->kind != IR_IMPORT) continue;
    if (n->name && !strcmp(n->name, "__future__")) future = n;
    else if (!first) first = n;
  }
  char *text = al_fmt("import %s\n", module);
  if (first) {
    al_fix_add(fx, al_line_start(f, first->span.start), al_line_start(f, first->span.start), text);
  } else if (future) {
    uint32_t e = future->span.end;
    while (e < f->src->len && f->src->text[e] != '\n') e++;
    if (e < f->src->len) e++;
    al_fix_add(fx, e, e, text);
  } else {
    uint32_t at = 0;
    if (al_starts_with(f->src->text, "#!")) {
      while (at < f->src->len && f->src->text[at] != '\n') at++;
      if (at < f->src->len) at++;
    }
    al_fix_add(fx, at, at, text);
  }
  free(text);
}

uint32_t al_callee_end(const ir_file *f, const ir_node *call) {
  const char *t = f->src->text;
  uint32_t e = call->span.start;
  if (call->text && call->text[0] == '(') {
    /* the callee holds parentheses itself (`require('fs').readFileSync(p)`): the
     * argument list is the last group opened at depth 0 (strings skipped) */
    uint32_t open = call->span.end;
    int depth = 0;
    for (uint32_t i = call->span.start; i < call->span.end; i++) {
      char ch = t[i];
      if (ch == '\'' || ch == '"' || ch == '`') {
        for (i++; i < call->span.end && t[i] != ch; i++)
          if (t[i] == '\\') i++;
      } else if (ch == '(') {
        if (depth++ == 0) open = i;
      } else if (ch == ')') {
        depth--;
      }
    }
    e = open;
  }
  while (e < call->span.end && t[e] != '(') e++;
  while (e > call->span.start && (t[e - 1] == ' ' || t[e - 1] == '\t')) e--;
  return e;
}

/* The spawn entry's dangling verdict for a call: "dangling: true", or `*.create_task`
 * on a receiver whose last name mentions the loop (dangling_receiver). */
bool al_spawn_dangles(const ir_file *f, const ir_node *call) {
  const al_kb_entry *e = call->name ? al_kb_match(al_kb_for(f->lang), "spawn", call->name) : NULL;
  if (!e) return false;
  const char *d = al_kb_attr(e, "dangling");
  if (d && !strcmp(d, "true")) return true;
  const char *hint = al_kb_attr(e, "dangling_receiver");
  if (!hint || !call->text) return false;
  const char *dot = strrchr(call->text, '.');
  if (!dot) return false;
  const char *recv = dot;
  while (recv > call->text && recv[-1] != '.') recv--;
  char low[64];
  size_t n = 0;
  for (const char *p = recv; p < dot && n + 1 < sizeof low; p++) low[n++] = (char)(*p | 0x20);
  low[n] = 0;
  return strstr(low, hint) != NULL;
}


bool al_is_spawn(const ir_file *f, const ir_node *call) {
  return call->name && !(call->flags & IR_F_PROPERTY) && al_kb_match(al_kb_for(f->lang), "spawn", call->name);
}

const ir_node *al_last_assign_in(const ir_node *root, const ir_node *at, const char *var) {
  const ir_node *as = NULL;
  for (const ir_node *n = root->child; n && n->span.start < at->span.start;
       n = n->kind == IR_FUNC ? ir_next_skip(n, root) : ir_next(n, root))
    if (n->kind == IR_ASSIGN && n->name && !strcmp(n->name, var)) as = n;
  return as;
}

const ir_node *al_last_assign(const ir_file *f, const ir_node *at, const char *var) {
  const ir_node *fn = ir_enclosing_func(at);
  return al_last_assign_in(fn ? fn : f->root, at, var);
}

/* `attr=<value>` among the with's arguments, or `.attr = <value>` in its block
 * (`cs.shield = True`); value NULL: any. */
static bool with_sets(const ir_file *f, const ir_node *w, const char *attr, const char *value) {
  char arg[64], set1[64], set2[64];
  snprintf(arg, sizeof arg, "%s=%s", attr, value ? value : "");
  snprintf(set1, sizeof set1, ".%s = %s", attr, value ? value : "");
  snprintf(set2, sizeof set2, ".%s=%s", attr, value ? value : "");
  if ((w->text && strstr(w->text, arg)) || al_code_contains(f, w->span.start, w->span.end, set1) ||
      al_code_contains(f, w->span.start, w->span.end, set2))
    return true;
  /* a scope made before the with and entered by name (`cs = CancelScope(shield=True)`
   * ... `with cs:`): its last assignment's call, and `cs.shield = True` after it */
  const ir_node *use = w->child && w->child->kind == IR_USE && w->child->name ? w->child : NULL;
  if (!use) return false;
  const ir_node *as = al_last_assign(f, w, use->name);
  if (!as) return false;
  const ir_node *call = as->child && as->child->kind == IR_CALL ? as->child : NULL;
  for (uint32_t i = 0; call && i < call->nargs; i++)
    if (call->args[i].keyword && !strcmp(call->args[i].keyword, attr) &&
        (!value || (call->args[i].text && !strcmp(call->args[i].text, value))))
      return true;
  return al_code_contains(f, as->span.end, w->span.end, set1) || al_code_contains(f, as->span.end, w->span.end, set2);
}

/* A with item in a knowledge section: the manager itself, or the result of the call a
 * variable holds (`cs = trio.move_on_after(5, shield=True)` ... `with cs:` names
 * `trio.move_on_after()`). */
static const al_kb_entry *with_item_match(const ir_file *f, const char *section, const char *item) {
  size_t n = strlen(item);
  char called[256];
  if (n > 2 && n < sizeof called && !strcmp(item + n - 2, "()")) {
    memcpy(called, item, n - 2);
    called[n - 2] = 0;
    item = called;
  }
  return al_kb_match(al_kb_for(f->lang), section, item);
}

static bool shield_item(const ir_file *f, const char *item, void *ctx) {
  const ir_node *w = ctx;
  const al_kb_entry *e = with_item_match(f, "shields", item);
  if (!e) return false;
  const char *flag = al_kb_attr(e, "flag"); /* CancelScope(shield=True), move_on_after(t, shield=True) */
  return !flag || with_sets(f, w, flag, "True");
}

bool al_shielded_with(const ir_file *f, const ir_node *w) {
  return al_list_find(f, w->name, ",", shield_item, (void *)w) != NULL;
}

static bool untimed_item(const ir_file *f, const char *item, void *ctx) {
  const al_kb_entry *e = with_item_match(f, "shields", item);
  const char *deadline = e ? al_kb_attr(e, "deadline") : NULL;
  return deadline && !with_sets(f, ctx, deadline, NULL);
}

const al_kb_entry *al_with_untimed(const ir_file *f, const ir_node *w) {
  const char *item = w->name ? al_list_find(f, w->name, ",", untimed_item, (void *)w) : NULL;
  return item ? with_item_match(f, "shields", item) : NULL;
}

static bool timeout_item(const ir_file *f, const char *item, void *ctx) {
  (void)ctx;
  return with_item_match(f, "timeout_scopes", item) != NULL;
}

bool al_with_times_out(const ir_file *f, const ir_node *w) {
  return w->name && !al_with_untimed(f, w) && al_list_find(f, w->name, ",", timeout_item, NULL) != NULL;
}


al_fix *al_py_call_fix(const ir_file *f, const ir_node *call, const char *target, al_fix_safety safety,
                       const char *title) {
  const char *dot = strchr(target, '.');
  if (!dot) return NULL;
  char lib[64];
  snprintf(lib, sizeof lib, "%.*s", (int)(dot - target), target);
  const char *alias = al_py_module_alias(f, lib);
  if (!alias) return NULL;
  char *repl = al_fmt("%s%s()", alias, dot);
  al_fix *fx = al_fix_new(safety, title);
  al_fix_add(fx, call->span.start, call->span.end, repl);
  free(repl);
  return fx;
}

const char *al_sleep_attr(const ir_file *f, const ir_node *call, const char *attr) {
  if (call->kind != IR_CALL || !call->name || call->nargs != 1 || !call->args[0].text) return NULL;
  const al_kb_entry *e = al_kb_find(al_kb_for(f->lang), "sleeps", call->name);
  return e ? al_kb_attr(e, attr) : NULL;
}

/* n lies in the try block of a TRY (inside fn) whose catch does not rethrow. */
static bool caught_quietly(const ir_node *n, const ir_node *fn) {
  const ir_node *prev = n;
  for (const ir_node *p = n->parent; p && p != fn; prev = p, p = p->parent) {
    if (p->kind != IR_TRY || prev->kind == IR_HANDLER || prev->kind == IR_FINALLY) continue;
    for (const ir_node *h = p->child; h; h = h->next)
      if (h->kind == IR_HANDLER && !al_handler_reraises(h)) return true;
  }
  return false;
}

const ir_arg *al_callback_arg(const ir_node *call, const al_kb_entry *e, uint32_t *index) {
  const char *which = e ? al_kb_attr(e, "arg") : NULL;
  if (!which) return NULL;
  bool positional = isdigit((unsigned char)which[0]);
  uint32_t want = positional ? (uint32_t)strtoul(which, NULL, 10) : 0, pos = 0;
  for (uint32_t i = 0; i < call->nargs; i++) {
    const ir_arg *a = &call->args[i];
    if (positional ? (!a->keyword && pos++ == want) : (a->keyword && !strcmp(a->keyword, which))) {
      *index = i;
      return a;
    }
  }
  return NULL;
}

const ir_node *al_arg_call(const ir_file *f, const ir_node *call, uint32_t i) {
  const char *t = i < call->nargs ? call->args[i].text : NULL;
  size_t tl = t ? strlen(t) : 0;
  if (tl < 3 || t[tl - 1] != ')') return NULL;
  for (const ir_node *c = call->child; c; c = c->next)
    if (c->kind == IR_CALL && c->span.end - c->span.start == tl && !memcmp(f->src->text + c->span.start, t, tl))
      return c;
  return NULL;
}

bool al_text_mentions(const char *text, const char *name) {
  size_t nl = strlen(name);
  if (!text || !nl) return false;
  for (const char *p = strstr(text, name); p; p = strstr(p + 1, name))
    if ((p == text || (!al_ident_char(p[-1]) && p[-1] != '.')) && !al_ident_char(p[nl])) return true;
  return false;
}

const ir_node *al_offloop_arg_of(const ir_file *f, const ir_node *call) {
  const ir_node *p = call->parent;
  if (call->kind != IR_CALL || call->use != IR_USE_PASSED || !p || p->kind != IR_CALL || !is_offloop_call(f, p))
    return NULL;
  return p;
}

al_fix *al_pass_function_fix(const ir_file *f, const ir_node *call, al_fix_safety safety) {
  const char *t = f->src->text;
  uint32_t open = al_callee_end(f, call), close = call->span.end - 1;
  if (open >= close || t[open] != '(' || t[close] != ')') return NULL;
  for (uint32_t i = 0; i < call->nargs; i++)
    if (call->args[i].flags & (IR_ARG_KEYWORD | IR_ARG_SPREAD)) return NULL;
  uint32_t b = call->span.start;
  while (b > 0 && (t[b - 1] == ' ' || t[b - 1] == '\t' || t[b - 1] == '\n')) b--;
  if (call->nargs && b > 0 && t[b - 1] == '=') return NULL; /* `target=work(x)`: the arguments go to args= */
  uint32_t in = open + 1, out = close;
  while (in < out && (t[in] == ' ' || t[in] == '\t')) in++;
  while (out > in && (t[out - 1] == ' ' || t[out - 1] == '\t')) out--;
  al_fix *fx = al_fix_new(safety, "pass the function and its arguments");
  if (in == out) {
    al_fix_add(fx, open, call->span.end, "");
  } else {
    al_fix_add(fx, open, in, ", ");
    al_fix_add(fx, out, call->span.end, "");
  }
  return fx;
}

/* A promise-typed declaration of name directly in scope (not inside a nested function),
 * before `at`. */
static const ir_node *promise_decl_in(const ir_node *scope, const ir_node *at, const char *name, uint32_t flag) {
  for (const ir_node *n = scope->child; n && n->span.start < at->span.start;
       n = n->kind == IR_FUNC ? ir_next_skip(n, scope) : ir_next(n, scope))
    if (n->kind == IR_ASSIGN && (n->flags & flag) && n->name && !strcmp(n->name, name)) return n;
  return NULL;
}

/* The parameter's function or the declaration that types name as a promise (or, with
 * `array`, as an array of promises or a union holding one too: *array and *maybe then say
 * which). */
static const ir_node *promise_typed(const ir_file *f, const ir_node *at, const char *name, bool *array, bool *maybe) {
  if (!name) return NULL;
  /* declarations carry types only in TypeScript */
  bool ts = al_is_typescript_path(f->src->path);
  uint32_t arg_flags = IR_ARG_PROMISE | (array ? IR_ARG_PROMISE_ARRAY | IR_ARG_MAYBE_PROMISE : 0);
  uint32_t decl_flags = IR_F_PROMISE_TYPED | (array ? IR_F_PROMISE_ARRAY | IR_F_MAYBE_PROMISE_TYPED : 0);
  const ir_node *d = NULL;
  for (const ir_node *fn = ir_enclosing_func(at); fn && !d; fn = ir_enclosing_func(fn)) {
    for (uint32_t i = 0; i < fn->nargs; i++)
      if (fn->args[i].text && !strcmp(fn->args[i].text, name)) {
        if (!(fn->args[i].flags & arg_flags)) return NULL;
        if (array) *array = (fn->args[i].flags & IR_ARG_PROMISE_ARRAY) != 0;
        if (maybe) *maybe = (fn->args[i].flags & IR_ARG_MAYBE_PROMISE) != 0;
        return fn;
      }
    d = ts ? promise_decl_in(fn, at, name, decl_flags) : NULL;
  }
  if (!d && ts) d = promise_decl_in(f->root, at, name, decl_flags);
  if (d && array) *array = (d->flags & IR_F_PROMISE_ARRAY) != 0;
  if (d && maybe) *maybe = (d->flags & IR_F_MAYBE_PROMISE_TYPED) != 0;
  return d;
}

const ir_node *al_promise_param(const ir_file *f, const ir_node *at, const char *name) {
  return promise_typed(f, at, name, NULL, NULL);
}

const ir_node *al_promise_or_array_param(const ir_file *f, const ir_node *at, const char *name, bool *array,
                                         bool *maybe) {
  *array = *maybe = false;
  return promise_typed(f, at, name, array, maybe);
}

const ir_node *al_py_async_map(const ir_file *f, const al_index *idx, const ir_node *call, const al_func_info **fn) {
  if (f->lang != AL_LANG_PYTHON || call->kind != IR_CALL || !call->name) return NULL;
  const ir_node *m = call;
  if (strcmp(call->name, "map") && call->child && call->child->kind == IR_CALL && call->child->name &&
      !strcmp(call->child->name, "map") && al_kb_find(al_kb_for(f->lang), "materializers", call->name))
    m = call->child;
  if (!m->name || strcmp(m->name, "map") || m->nargs < 2 || al_index_resolve(idx, f, m) ||
      (m != call && al_index_resolve(idx, f, call)))
    return NULL;
  const al_func_info *a = al_arg_async_fn(f, idx, m, m->args[0].text);
  if (fn) *fn = a;
  return a ? m : NULL;
}

const ir_node *al_literal_member_call(const ir_file *f, const ir_node *at, const char *var, const char *prop,
                                     size_t plen) {
  const ir_node *as = al_last_assign(f, at, var);
  if (!as || !(as->flags & IR_F_LITERAL) || !as->text || as->text[0] != '{') return NULL;
  const char *t = f->src->text;
  for (const ir_node *c = as->child; c; c = c->next) {
    if (c->kind != IR_CALL) continue;
    uint32_t b = c->span.start; /* `prop: call`, `"prop": call` */
    while (b > as->span.start && (t[b - 1] == ' ' || t[b - 1] == '\t' || t[b - 1] == '\n' || t[b - 1] == '\r')) b--;
    if (b == as->span.start || t[b - 1] != ':') continue;
    b--;
    while (b > as->span.start && (t[b - 1] == ' ' || t[b - 1] == '\t')) b--;
    if (b > as->span.start && (t[b - 1] == '"' || t[b - 1] == '\'')) b--;
    if (b < as->span.start + plen || strncmp(t + b - plen, prop, plen)) continue;
    uint32_t s0 = b - (uint32_t)plen;
    if (s0 > as->span.start && (t[s0 - 1] == '"' || t[s0 - 1] == '\'')) s0--;
    if (s0 > as->span.start && al_ident_char(t[s0 - 1])) continue;
    return c;
  }
  return NULL;
}

bool al_func_handles_errors(const ir_node *fn) {
  bool any = false;
  for (const ir_node *n = fn->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, fn) : ir_next(n, fn)) {
    if (n->kind != IR_AWAIT && n->kind != IR_RAISE) continue;
    if (!caught_quietly(n, fn)) return false;
    any = true;
  }
  return any;
}

const al_kb_entry *al_py_cm_factory(const al_index *idx, const ir_file *f, const ir_node *call, bool *is_async) {
  if (f->lang != AL_LANG_PYTHON || call->kind != IR_CALL) return NULL;
  const al_func_info *fn = al_index_resolve(idx, f, call);
  if (!fn || !fn->func->type) return NULL;
  const al_kb_entry *e = al_kb_find(al_kb_for(f->lang), "context_manager_decorators", fn->func->type);
  if (e) *is_async = al_kb_attr(e, "async") != NULL;
  return e;
}

bool al_py_in_genexp(const ir_file *f, const ir_node *n) {
  const char *t = f->src->text;
  const ir_node *fn = ir_enclosing_func(n);
  uint32_t lo = fn ? fn->span.start : 0, i = n->span.start;
  if (i - lo > 4000) lo = i - 4000;
  int depth = 0;
  while (i > lo) {
    char ch = t[--i];
    if (ch == ')' || ch == ']' || ch == '}') depth++;
    else if (ch == '(' || ch == '[' || ch == '{') {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (ch != '(') continue; /* an enclosing [ or {: look further out */
      int d = 0;
      for (uint32_t j = i + 1; j < f->src->len && j < i + 4000; j++) {
        char c = t[j];
        if (c == '(' || c == '[' || c == '{') d++;
        else if (c == ')' || c == ']' || c == '}') {
          if (d-- == 0) break;
        } else if (d == 0 && c == 'f' && !strncmp(t + j, "for ", 4) && strchr(" \t\n(", t[j - 1]))
          return true;
      }
    }
  }
  return false;
}

/* A comment starts at *i (`#` with hash, else `//` or slash-star): *i moves to its last
 * byte (the scan's i++ then passes it). */
static bool comment_at(const char *t, bool hash, uint32_t *i, uint32_t to) {
  uint32_t k = *i;
  if (hash ? t[k] != '#' : t[k] != '/' || k + 1 >= to || (t[k + 1] != '/' && t[k + 1] != '*')) return false;
  if (hash || t[k + 1] == '/') {
    while (k < to && t[k] != '\n') k++;
  } else {
    k += 2;
    while (k + 1 < to && !(t[k] == '*' && t[k + 1] == '/')) k++;
    k++;
  }
  *i = k;
  return true;
}

bool al_code_contains(const ir_file *f, uint32_t from, uint32_t to, const char *word) {
  const char *t = f->src->text;
  size_t wl = strlen(word);
  if (to > f->src->len) to = (uint32_t)f->src->len;
  bool hash_comments = f->lang == AL_LANG_PYTHON;
  for (uint32_t i = from; i < to; i++) {
    if (comment_at(t, hash_comments, &i, to)) continue;
    if (i + wl <= to && !memcmp(t + i, word, wl)) return true;
  }
  return false;
}

/* A range longer than this is answered from the file's occurrences (al_code_mentions). */
#ifndef MENTION_SCAN_BYTES
#define MENTION_SCAN_BYTES 4096u
#endif

typedef struct mention {
  uint32_t start, end;
} mention;

/* The occurrences in f of a section's names outside comments, by start (in f's arena). */
typedef struct mentions {
  uint64_t serial;
  const al_kb_section *sec;
  bool calls; /* each name followed by `(` */
  mention *at;
  uint32_t n;
} mentions;

#define MENTION_MEMO 4
static _Thread_local mentions mention_memo[MENTION_MEMO];

static const mentions *mentions_of(const ir_file *f, const al_kb_section *sec, bool calls) {
  mentions *m = NULL;
  for (int i = 0; i < MENTION_MEMO && !m; i++)
    if (mention_memo[i].serial == f->serial && mention_memo[i].sec == sec && mention_memo[i].calls == calls)
      m = &mention_memo[i];
  if (m) return m;
  static _Thread_local unsigned next;
  m = &mention_memo[next++ % MENTION_MEMO];
  const char *t = f->src->text;
  uint32_t len = (uint32_t)f->src->len;
  *m = (mentions){f->serial, sec, calls, NULL, 0};
  bool hash_comments = f->lang == AL_LANG_PYTHON;
  for (int pass = 0; pass < 2; pass++) { /* count, then fill (al_code_contains's reading of comments) */
    uint32_t k = 0;
    for (uint32_t i = 0; i < len; i++) {
      if (comment_at(t, hash_comments, &i, len)) continue;
      for (size_t e = 0; e < sec->entries.len; e++) {
        const char *w = ((const al_kb_entry *)sec->entries.items[e])->name;
        size_t wl = strlen(w);
        if (t[i] != w[0] || i + wl + calls > len || memcmp(t + i, w, wl) || (calls && t[i + wl] != '(')) continue;
        if (pass) m->at[k] = (mention){i, i + (uint32_t)(wl + calls)};
        k++;
      }
    }
    if (!pass) m->at = al_arena_alloc((al_arena *)&f->arena, (k ? k : 1) * sizeof *m->at);
    else m->n = k;
  }
  return m;
}

/* al_code_mentions, and with calls the names followed by `(` (al_c_names_any). */
static bool mentions_in(const ir_file *f, const char *section, bool calls, uint32_t from, uint32_t to) {
  const al_kb_section *sec = al_kb_section_get(al_kb_for(f->lang), section);
  if (!sec || from >= to) return false;
  if (to - from <= MENTION_SCAN_BYTES) {
    for (size_t k = 0; k < sec->entries.len; k++) {
      const char *w = ((const al_kb_entry *)sec->entries.items[k])->name;
      char buf[80];
      if (calls) snprintf(buf, sizeof buf, "%s(", w);
      if (al_code_contains(f, from, to, calls ? buf : w)) return true;
    }
    return false;
  }
  const mentions *m = mentions_of(f, sec, calls);
  uint32_t lo = 0, hi = m->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (m->at[mid].start < from) lo = mid + 1;
    else hi = mid;
  }
  for (uint32_t i = lo; i < m->n && m->at[i].start < to; i++)
    if (m->at[i].end <= to) return true;
  return false;
}

bool al_code_mentions(const ir_file *f, const char *section, uint32_t from, uint32_t to) {
  return mentions_in(f, section, false, from, to);
}

uint32_t al_skip_comment_or_literal(const ir_file *f, uint32_t i, uint32_t to) {
  const char *t = f->src->text;
  if (to > f->src->len) to = (uint32_t)f->src->len;
  if (i + 1 < to && t[i] == '/' && t[i + 1] == '/') {
    while (i < to && t[i] != '\n') i++;
    return i;
  }
  if (i + 1 < to && t[i] == '/' && t[i + 1] == '*') {
    for (i += 2; i + 1 < to && !(t[i] == '*' && t[i + 1] == '/');) i++;
    return i + 2 <= to ? i + 2 : to;
  }
  if (i < to && (t[i] == '"' || t[i] == '\'')) {
    char q = t[i];
    for (i++; i < to && t[i] != q && t[i] != '\n'; i++)
      if (t[i] == '\\' && i + 1 < to) i++;
    return i < to ? i + 1 : to;
  }
  return i;
}

/* The text [from, to) names one of a knowledge section's words (`ECANCELED`) or, with
 * `(` added, calls one of its functions (`rt_cancelled(`). */
bool al_c_names_any(const ir_file *f, const char *section, bool calls, uint32_t from, uint32_t to) {
  return mentions_in(f, section, calls, from, to);
}

/* The `(` of an `if (...)` whose `)` is the last thing before offset p, else UINT32_MAX;
 * *close gets the `)`. */
static uint32_t c_if_before(const ir_file *f, const ir_node *fn, uint32_t p, uint32_t *close) {
  const char *t = f->src->text;
  while (p > fn->body && (t[p - 1] == ' ' || t[p - 1] == '\t' || t[p - 1] == '\n' || t[p - 1] == '\r')) p--;
  if (p <= fn->body || t[p - 1] != ')') return UINT32_MAX;
  uint32_t open = p - 1, d = 0;
  for (; open > fn->body; open--) {
    if (t[open] == ')') d++;
    else if (t[open] == '(' && --d == 0) break;
  }
  if (t[open] != '(') return UINT32_MAX;
  uint32_t w = open;
  while (w > fn->body && (t[w - 1] == ' ' || t[w - 1] == '\t')) w--;
  if (w < fn->body + 2 || memcmp(t + w - 2, "if", 2) || (w >= 3 && al_ident_char(t[w - 3]))) return UINT32_MAX;
  *close = p - 1;
  return open;
}

/* A function's blocks: its braces paired, by the offset of the `{` (in f's arena). */
static _Thread_local struct {
  uint64_t serial;
  const ir_node *fn;
  uint32_t *open, *close, *parent; /* parent: the index of the block around, or UINT32_MAX */
  uint32_t n;
} c_blocks;

/* The `{` of the innermost block of fn around offset at (read back from at, braces
 * matched), or UINT32_MAX. A long function's are paired once: read back per call, a
 * function of 10,000 `rc = rt_sleep(...)` took seconds. */
static uint32_t c_block_open(const ir_file *f, const ir_node *fn, uint32_t at) {
  const char *t = f->src->text;
  if (fn->span.end - fn->body <= IR_SCAN_BYTES) {
    uint32_t i = at, depth = 0;
    while (i > fn->body) {
      i--;
      if (t[i] == '}') depth++;
      else if (t[i] == '{' && depth-- == 0) break;
    }
    return i;
  }
  if (c_blocks.serial != f->serial || c_blocks.fn != fn) {
    uint32_t n = 0, end = fn->span.end < f->src->len ? fn->span.end : (uint32_t)f->src->len;
    for (uint32_t i = fn->body; i < end; i++) n += t[i] == '{';
    al_arena *a = (al_arena *)&f->arena;
    c_blocks.open = al_arena_alloc(a, (n ? n : 1) * sizeof(uint32_t));
    c_blocks.close = al_arena_alloc(a, (n ? n : 1) * sizeof(uint32_t));
    c_blocks.parent = al_arena_alloc(a, (n ? n : 1) * sizeof(uint32_t));
    uint32_t k = 0, top = UINT32_MAX; /* the innermost open block */
    for (uint32_t i = fn->body; i < end; i++) {
      if (t[i] == '{') {
        c_blocks.open[k] = i;
        c_blocks.close[k] = end; /* (until closed) */
        c_blocks.parent[k] = top;
        top = k++;
      } else if (t[i] == '}' && top != UINT32_MAX) {
        c_blocks.close[top] = i;
        top = c_blocks.parent[top];
      }
    }
    c_blocks.serial = f->serial;
    c_blocks.fn = fn;
    c_blocks.n = k;
  }
  uint32_t lo = 0, hi = c_blocks.n; /* the last block opened before at */
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (c_blocks.open[mid] < at) lo = mid + 1;
    else hi = mid;
  }
  for (uint32_t k = lo ? lo - 1 : UINT32_MAX; k != UINT32_MAX; k = c_blocks.parent[k])
    if (c_blocks.close[k] >= at) return c_blocks.open[k];
  return UINT32_MAX;
}

/* Where the branch holding offset at starts, when it is the branch of an `if` whose
 * condition finds the task cancelled (a cancellation status, knowledge `cancelled`; or
 * `rt_cancelled()`, knowledge `cancel_state`), else UINT32_MAX: the statement right
 * after the `)` (an unbraced branch), or the innermost block around at. */
uint32_t al_c_cancelled_branch(const ir_file *f, const ir_node *fn, uint32_t at) {
  const char *t = f->src->text;
  uint32_t p = at; /* past a `(void)` cast */
  while (p > fn->body && (t[p - 1] == ' ' || t[p - 1] == '\t')) p--;
  if (p >= fn->body + 6 && !memcmp(t + p - 6, "(void)", 6)) p -= 6;
  uint32_t start = at, close = 0, open = c_if_before(f, fn, p, &close);
  if (open == UINT32_MAX) {
    uint32_t i = c_block_open(f, fn, at);
    if (i == UINT32_MAX || t[i] != '{' || i <= fn->body) return UINT32_MAX; /* (the function's own body) */
    start = i;
    open = c_if_before(f, fn, i, &close);
  }
  if (open == UINT32_MAX) return UINT32_MAX;
  if (!al_c_names_any(f, "cancelled", false, open, close) && !al_c_names_any(f, "cancel_state", true, open, close))
    return UINT32_MAX;
  return start;
}

/* C: the text `x` or `futs[i]` of `x = call(...)` / `futs[i] = call(...)` before the call
 * at `at` (a plain `=`), into buf; false when the call is not so assigned. */
bool al_c_assign_target(const ir_file *f, uint32_t at, char *buf, size_t cap) {
  const char *t = f->src->text;
  uint32_t p = at;
  while (p > 0 && (t[p - 1] == ' ' || t[p - 1] == '\t' || t[p - 1] == '\n' || t[p - 1] == '\r')) p--;
  if (p < 2 || t[p - 1] != '=' || strchr("=!<>+-*/%&|^", t[p - 2])) return false;
  uint32_t end = --p, start = p;
  while (start > 0 && !strchr(";{}()\n,", t[start - 1])) start--;
  while (start < end && (t[start] == ' ' || t[start] == '\t')) start++;
  while (end > start && (t[end - 1] == ' ' || t[end - 1] == '\t')) end--;
  if (end <= start || end - start >= cap) return false;
  memcpy(buf, t + start, end - start);
  buf[end - start] = 0;
  return true;
}

bool al_c_reference_future(const ir_file *f, const ir_node *call) {
  return call->type && al_kb_find(al_kb_for(f->lang), "future_types", call->type);
}

uint32_t al_c_callback_arg(const al_kb_entry *reg, const ir_node *call) {
  const char *on = reg ? al_kb_attr(reg, "on") : NULL;
  if (!on || !call->nargs) return UINT32_MAX;
  uint32_t i = !strncmp(on, "last", 4) ? call->nargs - 1 : (uint32_t)strtoul(on, NULL, 10);
  return i < call->nargs ? i : UINT32_MAX;
}

bool al_c_sync_without_callback(const ir_file *f, const ir_node *call) {
  const al_kb_entry *reg = call->name ? al_kb_find(al_kb_for(f->lang), "registrations", call->name) : NULL;
  if (!reg || !al_kb_attr_is(reg, "null_cb_sync", "true")) return false;
  uint32_t i = al_c_callback_arg(reg, call);
  return i != UINT32_MAX && (call->args[i].flags & IR_ARG_NULL);
}

/* The request an argument names, without casts and address-of: `(uv_req_t *)&r` -> `r`. */
const char *al_c_skip_casts(const char *arg) {
  for (const char *s = arg;;) {
    while (*s == ' ') s++;
    if (*s != '(') return s;
    const char *close = strchr(s, ')');
    if (!close) return s;
    s = close + 1;
  }
}

void al_c_object_of(const char *arg, char *out, size_t cap) {
  const char *s = al_c_skip_casts(arg);
  while (*s == '&' || *s == ' ') s++;
  size_t n = strcspn(s, " )[");
  if (n >= cap) n = cap - 1;
  memcpy(out, s, n);
  out[n] = 0;
}



static bool space_char(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* A call's name for messages: its dotted text, or, when the callee does not start at a
 * name (`[1, 2].map`, `(await g()).then`, where the text is "().map"), the callee as
 * written, its white space squeezed, when that is short: "Promise.resolve().then";
 * else its head up to the first parenthesis: "serialize(…).then". The arguments are
 * found by matching the closing parenthesis back from the end of the call. */
ir_span al_span_at(const ir_file *f, uint32_t off, uint32_t len) {
  uint32_t ls = off;
  while (ls > 0 && f->src->text[ls - 1] != '\n') ls--;
  uint32_t line = al_source_line_of(f->src, off);
  return (ir_span){off, off + len, line, off - ls + 1};
}

const char *al_call_label(const ir_file *f, const ir_node *n) {
  const char *t = n->text ? n->text : n->name ? n->name : "?";
  if (strncmp(t, "()", 2) || !f->src || n->span.end <= n->span.start) return t;
  const char *src = f->src->text;
  uint32_t e = n->span.end, open = e;
  while (e > n->span.start && space_char(src[e - 1])) e--;
  int depth = 0;
  if (e > n->span.start && src[e - 1] == ')') {
    while (open > n->span.start) {
      char ch = src[--open];
      if (ch == ')') depth++;
      else if (ch == '(' && --depth == 0) break;
    }
  }
  if (depth != 0 || open >= e) return al_arena_fmt((al_arena *)&f->arena, "\u2026%s", t + 2);
  char buf[56];
  size_t k = 0;
  bool fits = true;
  char quote = 0;
  for (uint32_t i = n->span.start; i < open; i++) {
    char ch = src[i];
    if (quote || ch == '"' || ch == '\'' || ch == '`') { /* a literal is copied as written */
      if (k + 1 >= sizeof buf) { fits = false; break; }
      buf[k++] = ch;
      if (!quote) quote = ch;
      else if (ch == quote && src[i - 1] != '\\') quote = 0;
      continue;
    }
    if (space_char(ch)) {
      /* a run of white space: one space stays (`[1, 2]`, `await x`) unless it only
       * breaks a chain (`a\n  .then`) or sits inside brackets */
      uint32_t j = i;
      while (j < open && space_char(src[j])) j++;
      char nc = j < open ? src[j] : 0;
      if (k && nc && !strchr(".,)]}", nc) && !strchr("([{.", buf[k - 1])) {
        if (k + 1 >= sizeof buf) { fits = false; break; }
        buf[k++] = ' ';
      }
      i = j - 1;
      continue;
    }
    if (k + 1 >= sizeof buf) { fits = false; break; }
    buf[k++] = ch;
  }
  if (fits) return al_arena_fmt((al_arena *)&f->arena, "%.*s", (int)k, buf);
  uint32_t h = n->span.start;
  while (h < open && h - n->span.start < 40 && (al_ident_char(src[h]) || src[h] == '.')) h++;
  if (h > n->span.start && src[h] == '(')
    return al_arena_fmt((al_arena *)&f->arena, "%.*s(\u2026)%s", (int)(h - n->span.start), src + n->span.start, t + 2);
  return al_arena_fmt((al_arena *)&f->arena, "\u2026%s", t + 2);
}

/* The first `yield` of fn itself (not of a function nested in it) within [from, to),
 * outside comments and strings (JavaScript: also `//`, block comments and templates):
 * its offset, or UINT32_MAX. */
uint32_t al_yield_in(const ir_file *f, const ir_node *fn, uint32_t from, uint32_t to) {
  const char *t = f->src->text;
  bool js = f->lang == AL_LANG_JS;
  for (uint32_t i = from; i + 5 <= to; i++) {
    if (!js && t[i] == '#') {
      while (i < to && t[i] != '\n') i++;
      continue;
    }
    if (js && t[i] == '/' && i + 1 < to && (t[i + 1] == '/' || t[i + 1] == '*')) { /* a comment */
      bool line = t[i + 1] == '/';
      for (i += 2; i + 1 < to && (line ? t[i] != '\n' : !(t[i] == '*' && t[i + 1] == '/')); i++) {}
      i += !line;
      continue;
    }
    if (t[i] == '"' || t[i] == '\'' || (js && t[i] == '`')) { /* a string (a triple quote is three strings, its text inside one) */
      char q = t[i];
      for (i++; i < to && t[i] != q; i++)
        if (t[i] == '\\') i++;
      continue;
    }
    if (memcmp(t + i, "yield", 5) || (i > 0 && (al_ident_char(t[i - 1]) || t[i - 1] == '.')) ||
        (i + 5 < to && al_ident_char(t[i + 5])))
      continue;
    bool nested = false;
    for (const ir_node *c = fn->child; c && !nested; c = ir_next(c, fn))
      if (c->kind == IR_FUNC && c->span.start <= i && i < c->span.end) nested = true;
    if (!nested) return i;
  }
  return UINT32_MAX;
}

void al_each_yield_in_with(const ir_file *f, bool async_only, bool (*pick)(const ir_file *, const ir_node *),
                           al_yield_visit visit, void *ctx) {
  for (ir_node *const *fn_at = ir_of_kind(f, IR_FUNC); *fn_at; fn_at++) {
    const ir_node *fn = *fn_at;
    if (!(fn->flags & IR_F_GENERATOR) || (async_only && !(fn->flags & IR_F_ASYNC)) || al_py_generator_managed(f, fn))
      continue;
    uint32_t done_to = 0; /* each yield once, with the outermost picked block around it */
    for (const ir_node *w = fn->child; w; w = w->kind == IR_FUNC ? ir_next_skip(w, fn) : ir_next(w, fn)) {
      if (w->kind != IR_WITH || w->span.end <= done_to || !pick(f, w)) continue;
      for (uint32_t at = w->span.start > done_to ? w->span.start : done_to;
           (at = al_yield_in(f, fn, at, w->span.end)) != UINT32_MAX; at += 5) {
        done_to = at + 5;
        ir_node y = {.kind = IR_WITH, .parent = (ir_node *)w, .span = al_span_at(f, at, 5)};
        visit(f, fn, w, &y, ctx);
      }
    }
  }
}

bool al_py_generator_managed(const ir_file *f, const ir_node *fn) {
  if (!(fn->flags & IR_F_DECORATED)) return false;
  const char *t = f->src->text;
  uint32_t line_end = fn->span.start; /* the start of the `async def` line */
  while (line_end > 0 && t[line_end - 1] != '\n') line_end--;
  const al_kb_section *sec = al_kb_section_get(al_kb_for(f->lang), "generator_managers");
  for (int lines = 0; line_end > 0 && lines < 16; lines++) {
    uint32_t start = line_end - 1;
    while (start > 0 && t[start - 1] != '\n') start--;
    uint32_t s = start;
    while (s < line_end && (t[s] == ' ' || t[s] == '\t')) s++;
    if (s >= line_end || t[s] != '@') break; /* the decorators end here */
    for (size_t k = 0; sec && k < sec->entries.len; k++)
      if (al_code_contains(f, s, line_end, ((const al_kb_entry *)sec->entries.items[k])->name)) return true;
    line_end = start;
  }
  return false;
}

static bool task_group_item(const ir_file *f, const char *item, void *ctx) {
  (void)ctx;
  return al_kb_match(al_kb_for(f->lang), "task_groups", item) != NULL;
}

bool al_py_task_group_with(const ir_file *f, const ir_node *w) {
  return w->kind == IR_WITH && w->name && f->lang == AL_LANG_PYTHON &&
         al_list_find(f, w->name, ",", task_group_item, NULL) != NULL;
}

static bool scope_or_group_item(const ir_file *f, const char *item, void *ctx) {
  (void)ctx;
  return with_item_match(f, "timeout_scopes", item) != NULL || task_group_item(f, item, NULL);
}

const char *al_py_cancel_scope_item(const ir_file *f, const ir_node *w) {
  if (w->kind != IR_WITH || !w->name || f->lang != AL_LANG_PYTHON) return NULL;
  return al_list_find(f, w->name, ",", scope_or_group_item, NULL);
}

bool al_py_star_handler(const ir_file *f, const ir_node *h) {
  const char *t = f->src->text;
  if (h->kind != IR_HANDLER || h->span.end - h->span.start < 7 || strncmp(t + h->span.start, "except", 6)) return false;
  uint32_t i = h->span.start + 6;
  while (i < h->span.end && (t[i] == ' ' || t[i] == '\t')) i++;
  return i < h->span.end && t[i] == '*';
}

const ir_node *al_formatted(const ir_file *f, const al_index *idx, const ir_node *n) {
  if (n->use == IR_USE_FORMATTED) return n;
  const ir_node *c = n->parent;
  if (!c || c->kind != IR_CALL || !c->name || c == n) return NULL;
  if (n->kind == IR_CALL && n->use != IR_USE_PASSED) return NULL;
  if (n->kind == IR_USE) { /* the local itself is an argument, not a part of one (`len(p)` is a call of its own) */
    bool arg = false;
    for (uint32_t i = 0; i < c->nargs && !arg; i++) arg = c->args[i].text && !strcmp(c->args[i].text, n->name);
    if (!arg || n->span.start < al_callee_end(f, c)) return NULL;
  }
  const char *last = strrchr(c->name, '.');
  if (!al_kb_find(al_kb_for(f->lang), "formats", last ? last + 1 : c->name)) return NULL;
  return al_index_resolve(idx, f, c) ? NULL : c; /* a project `log()` may await what it is given */
}

const char *al_accessed_member(const ir_file *f, const ir_node *n, char *buf, size_t cap) {
  const char *t = f->src->text;
  size_t len = f->src->len, i = n->span.end;
  while (i < len && (t[i] == ')' || t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) i++;
  if (i + 1 < len && t[i] == '?' && t[i + 1] == '.') i++;
  if (i < len && t[i] == '[') return "[]";
  if (i >= len || t[i] != '.') return "";
  size_t k = 0;
  for (i++; i < len && al_ident_char(t[i]) && k + 1 < cap; i++) buf[k++] = t[i];
  buf[k] = 0;
  return buf;
}

bool al_own_member(const ir_file *f, const char *member) {
  return *member && strcmp(member, "[]") && al_kb_find(al_kb_for(f->lang), "awaitable_own_members", member);
}

bool al_js_array_map(const ir_node *call) {
  if (!call->name || !(al_ends_with(call->name, ".map") || al_ends_with(call->name, ".flatMap"))) return false;
  return !call->module || !al_kb_match(al_kb_for(AL_LANG_JS), "awaitable", call->name);
}
