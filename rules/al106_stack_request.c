/* AL106 stack-request: a libuv request or handle that is a local variable of the calling
 * function, handed to a call that completes later through a callback — `uv_write_t req;
 * uv_write(&req, ...)`, `uv_fs_t req; uv_fs_stat(loop, &req, path, on_stat)`, `uv_timer_t
 * t; uv_timer_init(...); uv_timer_start(&t, ...)` (knowledge `registrations` with
 * `req_arg`). libuv keeps the pointer until the callback has run (a handle: until it is
 * closed); the function returns first, so the loop later writes into, and calls back
 * with, a dead stack frame. The C equivalent of a missing await: the work was started
 * and the function went on as if it were done. Not reported for a `static` local, when
 * the callback argument is NULL (an fs request is then synchronous), in `main` (its frame
 * lasts as long as the program), or when the function itself runs the loop after the
 * call (knowledge `loop_runners`: uv_run; its locals outlive the work). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* The variable a `&name` / `&name[i]` / `&name.member` argument takes the address of (also
 * through a pointer cast), in buf; NULL for anything else (a pointer, a member of one, a
 * global the caller cannot tell). */
static const char *address_of_local_name(const char *arg, char *buf, size_t cap) {
  if (!arg) return NULL;
  arg = al_c_skip_casts(arg); /* `(uv_stream_t *)&client`, `(uv_handle_t *) &t` */
  if (arg[0] != '&') return NULL;
  const char *p = arg + 1;
  while (*p == ' ') p++;
  size_t n = 0;
  while (al_ident_char(p[n])) n++;
  /* `&name`, `&name[i]`, or a member of a local struct: `&conn.req` (not `&c->req`) */
  if (!n || n >= cap || (p[n] && p[n] != '[' && p[n] != '.')) return NULL;
  memcpy(buf, p, n);
  buf[n] = 0;
  return buf;
}

/* name is declared in fn's body before `to` as a non-static, non-pointer local:
 * `uv_write_t name;`, `uv_fs_t a, name;`, `uv_write_t name[4];`, `struct req name;`. */
static bool declared_local_as(const ir_file *f, const ir_node *fn, uint32_t to, const char *name, bool *array);

static bool declared_local(const ir_file *f, const ir_node *fn, uint32_t to, const char *name) {
  bool array;
  return declared_local_as(f, fn, to, name, &array);
}

/* Is the occurrence of name (nl bytes) at i, in [from, to), such a declaration? */
static bool declaration_at(const ir_file *f, uint32_t from, uint32_t to, uint32_t i, size_t nl, bool *array) {
  const char *t = f->src->text;
  uint32_t e = i + (uint32_t)nl;
  while (e < to && (t[e] == ' ' || t[e] == '\t')) e++;
  if (e >= to || (t[e] != ';' && t[e] != '=' && t[e] != '[' && t[e] != ',')) return false;
  *array = t[e] == '[';
  /* back to the start of the declaration: the type, after `;`, `{` or `}` */
  uint32_t b = i;
  while (b > from && t[b - 1] != ';' && t[b - 1] != '{' && t[b - 1] != '}') b--;
  const char *decl = t + b;
  size_t dl = i - b;
  while (dl && (decl[0] == ' ' || decl[0] == '\t' || decl[0] == '\n' || decl[0] == '\r')) decl++, dl--;
  /* a declaration: a type and qualifiers, maybe other declarators (`uv_fs_t a, name`) —
   * names, spaces and commas only (not `x = name`, `f(name`, `*p, name`), and not a
   * statement (`return name;`) */
  bool decl_only = dl > 0;
  for (size_t k = 0; k < dl && decl_only; k++)
    decl_only = al_ident_char(decl[k]) || decl[k] == ' ' || decl[k] == '\t' || decl[k] == '\n' || decl[k] == ',';
  if (!decl_only) return false;
  static const char *const statements[] = {"return", "goto", "case", "else", "do", "sizeof", NULL};
  size_t tl = 0;
  while (tl < dl && al_ident_char(decl[tl])) tl++;
  for (int k = 0; statements[k]; k++)
    if (strlen(statements[k]) == tl && !strncmp(decl, statements[k], tl)) return false;
  /* `static uv_write_t req;` lives on */
  uint32_t line = b;
  while (line > from && t[line - 1] != '\n') line--;
  return !al_code_contains(f, line, i, "static");
}

/* A long function's declarations of locals (as declaration_at finds them), by name then
 * offset, made once per function: scanned per call, a function of 10,000
 * `uv_timer_start(&ts[i], ...)` took 25 s. In f's arena. */
typedef struct declarator {
  uint32_t at, len;
  uint32_t next;  /* where the `;`, `=`, `[` or `,` after the name is */
  bool array;
} declarator;

static _Thread_local struct {
  uint64_t serial;
  uint32_t from, to;
  const char *text;
  declarator *d;
  size_t n;
} declarators;

static int cmp_declarator(const void *a, const void *b) {
  const declarator *x = a, *y = b;
  int c = memcmp(declarators.text + x->at, declarators.text + y->at, x->len < y->len ? x->len : y->len);
  if (c) return c;
  if (x->len != y->len) return x->len < y->len ? -1 : 1;
  return x->at < y->at ? -1 : x->at > y->at;
}

static void declarators_of(const ir_file *f, uint32_t from, uint32_t to) {
  if (declarators.serial == f->serial && declarators.from == from && declarators.to == to) return;
  const char *t = f->src->text;
  size_t n = 0, cap = 64;
  declarator *d = al_malloc(cap * sizeof *d);
  for (uint32_t i = from; i < to;) {
    if (!al_ident_char(t[i]) || (i > 0 && al_ident_char(t[i - 1]))) {
      i++;
      continue;
    }
    uint32_t e = i;
    while (e < to && al_ident_char(t[e])) e++;
    uint32_t k = e;
    while (k < to && (t[k] == ' ' || t[k] == '\t')) k++;
    bool array;
    if (k < to && strchr(";=[,", t[k]) && declaration_at(f, from, to, i, e - i, &array)) {
      if (n == cap) d = al_realloc(d, (cap *= 2) * sizeof *d);
      d[n++] = (declarator){i, e - i, k, array};
    }
    i = e;
  }
  declarators.serial = f->serial;
  declarators.from = from;
  declarators.to = to;
  declarators.text = t;
  if (n > 1) qsort(d, n, sizeof *d, cmp_declarator);
  declarators.d = al_arena_alloc((al_arena *)&f->arena, (n ? n : 1) * sizeof *d);
  memcpy(declarators.d, d, n * sizeof *d);
  declarators.n = n;
  free(d);
}

/* The same, and *array: the declaration makes it an array (`char line[64];`). fn_end:
 * where the function around [from, to) ends. */
static bool declared_local_in(const ir_file *f, uint32_t from, uint32_t to, uint32_t fn_end, const char *name,
                              bool *array) {
  const char *t = f->src->text;
  size_t nl = strlen(name);
  bool ident = nl > 0;
  for (size_t k = 0; k < nl && ident; k++) ident = al_ident_char(name[k]);
  if (!ident || fn_end - from <= IR_SCAN_BYTES) {
    for (uint32_t i = from; i + nl <= to; i++) {
      if (memcmp(t + i, name, nl) || (i > 0 && al_ident_char(t[i - 1])) || al_ident_char(t[i + nl])) continue;
      if (declaration_at(f, from, to, i, nl, array)) return true;
    }
    return false;
  }
  declarators_of(f, from, fn_end);
  size_t lo = 0, hi = declarators.n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const declarator *x = &declarators.d[mid];
    int c = memcmp(t + x->at, name, x->len < nl ? x->len : nl);
    if (c < 0 || (!c && x->len < nl)) lo = mid + 1;
    else hi = mid;
  }
  for (size_t k = lo; k < declarators.n && declarators.d[k].len == nl && !memcmp(t + declarators.d[k].at, name, nl) &&
                      declarators.d[k].at + nl <= to;
       k++)
    if (declarators.d[k].next < to) {
      *array = declarators.d[k].array;
      return true;
    }
  return false;
}

static bool declared_local_as(const ir_file *f, const ir_node *fn, uint32_t to, const char *name, bool *array) {
  return declared_local_in(f, fn->body ? fn->body : fn->span.start, to, fn->span.end, name, array);
}

/* Where fn last runs the loop itself (knowledge `loop_runners`), 0 when it does not: a
 * call before that keeps its locals alive for the work. */
static uint32_t last_loop_run(const al_kb *kb, const ir_node *fn) {
  uint32_t at = 0;
  for (const ir_node *c = fn->child; c; c = ir_next(c, fn))
    if (c->kind == IR_CALL && c->name && al_kb_find(kb, "loop_runners", c->name)) at = c->span.start;
  return at;
}

/* A later call of fn named in `armed` (space separated) takes &name: the registration is
 * armed (libevent's event_add after event_assign). */
static bool armed_after(const ir_node *fn, const ir_node *call, const char *name, const char *armed) {
  for (const ir_node *c = fn->child; c; c = ir_next(c, fn)) {
    char got[96];
    if (c->kind == IR_CALL && c->span.start > call->span.start && c->name && c->nargs &&
        al_text_mentions(armed, c->name) && address_of_local_name(c->args[0].text, got, sizeof got) &&
        !strcmp(got, name))
      return true;
  }
  return false;
}

/* After call, the function takes its local `name` back from the loop, or ends the loop's
 * events (knowledge `stack_releases`: `event_del(&ev)`, `event_base_free(base)`). */
static bool released_after(const al_kb *kb, const ir_node *fn, const ir_node *call, const char *name) {
  for (const ir_node *c = fn->child; c; c = ir_next(c, fn)) {
    const al_kb_entry *e;
    if (c->kind != IR_CALL || c->span.start <= call->span.start || !c->name ||
        !(e = al_kb_find(kb, "stack_releases", c->name)))
      continue;
    const char *a = al_kb_attr(e, "arg");
    if (!a) return true;
    uint32_t i = (uint32_t)strtoul(a, NULL, 10);
    char got[96];
    if (i < c->nargs && address_of_local_name(c->args[i].text, got, sizeof got) && !strcmp(got, name)) return true;
  }
  return false;
}

/* `char line[64]; uv_buf_t buf = uv_buf_init(line, n); uv_write(req, s, &buf, 1, cb);`:
 * the bytes a write sends later (knowledge `bufs_arg`) are a local array of the function,
 * which returns first — libuv sends whatever the stack holds by then. Returns whether it
 * reported. */
static bool stack_buffer(const ir_file *f, al_sink *sink, const ir_node *n, const al_kb_entry *e,
                         const ir_node *fn, const al_vec *makers) {
  const char *ba = al_kb_attr(e, "bufs_arg");
  uint32_t bi = ba ? (uint32_t)strtoul(ba, NULL, 10) : UINT32_MAX;
  if (bi >= n->nargs || !n->args[bi].text) return false;
  char bufname[96];
  const char *bn = address_of_local_name(n->args[bi].text, bufname, sizeof bufname);
  if (!bn) bn = n->args[bi].text; /* an array of uv_buf_t: `bufs` */
  const al_kb *kb = al_kb_for(f->lang);
  for (size_t k = makers->len; k-- > 0;) { /* the buffer's last maker before the call */
    const ir_node *c = makers->items[k];
    if (!c->alias) return false; /* made into a target the IR does not name (`buf = uv_buf_init(...)`): maybe ours */
    if (strcmp(c->alias, bn)) continue;
    const char *da = al_kb_attr(al_kb_find(kb, "buffer_makers", c->name), "data_arg");
    uint32_t di = da ? (uint32_t)strtoul(da, NULL, 10) : 0;
    if (di >= c->nargs || !c->args[di].text) return false;
    char dn[96];
    const char *data = c->args[di].text;
    bool array = false;
    if (address_of_local_name(data, dn, sizeof dn)) array = true; /* `&value`: a scalar local */
    else if (strlen(data) < sizeof dn && al_ident_char(data[0])) strcpy(dn, data);
    else return false; /* a literal, an expression: the last maker decides */
    bool arr;
    if (!declared_local_as(f, fn, c->span.start, dn, &arr) || !(array || arr)) return false;
    al_report(sink, n, "the bytes `%s()` sends are `%s`, a local array of `%s`: libuv keeps the buffer until the "
              "write callback runs, but the function returns first and the loop then sends whatever that stack "
              "memory holds; copy the data to the heap (free it in the callback) or keep it in a longer-lived "
              "struct", al_call_label(f, n), dn, fn->name ? fn->name : "?");
    return true;
  }
  return false;
}

/* The function of this file named `name` runs the loop, itself or through the functions
 * of this file it calls (a test's `do_writes_and_reads(&pipe)` ending in uv_run). Answers
 * are remembered in memo (name -> 1 yes, 2 no or being asked: a cycle), the file's
 * definitions found by name in funcs (made on the first question): linear in the calls. */
static bool file_func_runs_loop(const ir_file *f, const al_kb *kb, al_map *funcs, al_map *memo, const char *name) {
  if (!name) return false;
  if (!funcs->len) {
    for (ir_node *const *at = ir_of_kind(f, IR_FUNC); *at; at++)
      if (((*at)->flags & IR_F_DEFINITION) && (*at)->name && !al_map_get(funcs, (*at)->name))
        al_map_put(funcs, (*at)->name, *at);
    if (!funcs->len) al_map_put(funcs, "", (void *)1); /* (none: not looked for again) */
  }
  void *known = al_map_get(memo, name);
  if (known) return known == (void *)1;
  const ir_node *g = al_map_get(funcs, name);
  if (!g || !*name) return false;
  al_map_put(memo, name, (void *)2);
  for (const ir_node *c = g->child; c; c = ir_next(c, g))
    if (c->kind == IR_CALL && c->name &&
        (al_kb_find(kb, "loop_runners", c->name) || file_func_runs_loop(f, kb, funcs, memo, c->name))) {
      al_map_put(memo, name, (void *)1);
      return true;
    }
  return false;
}

/* After the init of the handle `name`, fn runs the loop through a function of this file,
 * or hands the handle to a function outside libuv's API (which may run the loop, or keep
 * the handle and close it): the frame may well outlive the handle. */
static bool handle_outlived(const ir_file *f, const al_kb *kb, const ir_node *fn, const ir_node *init,
                            const char *name, al_map *funcs, al_map *memo) {
  for (const ir_node *c = fn->child; c; c = ir_next(c, fn)) {
    if (c->kind != IR_CALL || c->span.start <= init->span.start || !c->name) continue;
    if (file_func_runs_loop(f, kb, funcs, memo, c->name)) return true;
    bool api = false;
    const al_kb_section *sec = al_kb_section_get(kb, "loop_api_prefixes");
    for (size_t k = 0; sec && k < sec->entries.len && !api; k++) {
      const char *p = ((const al_kb_entry *)sec->entries.items[k])->name;
      api = !strncmp(c->name, p, strlen(p));
    }
    if (api) continue;
    for (uint32_t i = 0; i < c->nargs; i++) {
      char got[96];
      if (address_of_local_name(c->args[i].text, got, sizeof got) && !strcmp(got, name)) return true;
    }
  }
  return false;
}

/* After call, fn hands its local `name` to a registration that keeps it (knowledge
 * `registrations` with `req_arg`): that call is the one reported. */
static bool registered_after(const al_kb *kb, const ir_node *fn, const ir_node *call, const char *name) {
  for (const ir_node *c = fn->child; c; c = ir_next(c, fn)) {
    const al_kb_entry *e;
    const char *ra;
    if (c->kind != IR_CALL || c->span.start <= call->span.start || !c->name ||
        !(e = al_kb_find(kb, "registrations", c->name)) || !(ra = al_kb_attr(e, "req_arg")))
      continue;
    uint32_t i = (uint32_t)strtoul(ra, NULL, 10);
    char got[96];
    if (i < c->nargs && address_of_local_name(c->args[i].text, got, sizeof got) && !strcmp(got, name)) return true;
  }
  return false;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  const al_kb *kb = al_kb_for(f->lang);
  /* per function (C's are not nested; the walk meets them one after another): where it
   * last runs the loop, and the buffer makers met so far (`uv_buf_init`: knowledge
   * `buffer_makers`), so that no call walks its function again */
  const ir_node *cur = NULL;
  uint32_t loop_run = 0;
  bool loop_known = false; /* (loop_run found on the function's first registration call) */
  al_vec makers = {0};
  al_map funcs = {0}, runs_loop = {0}; /* file_func_runs_loop's */
  for (ir_node *const *n_at = ir_of_kind(f, IR_CALL); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if (!n->name) continue;
    const ir_node *fn = ir_enclosing_func(n);
    if (fn != cur) {
      cur = fn;
      loop_known = false;
      makers.len = 0;
    }
    if (al_kb_find(kb, "buffer_makers", n->name)) {
      al_vec_push(&makers, (void *)n);
      continue;
    }
    if (n->text && strcmp(n->text, n->name)) continue; /* made by a macro: its arguments are not the call's */
    const al_kb_entry *hi = al_kb_find(kb, "handle_inits", n->name);
    if (hi) { /* a handle the loop lists from its init until its close callback */
      const char *ha = al_kb_attr(hi, "handle_arg");
      uint32_t i = ha ? (uint32_t)strtoul(ha, NULL, 10) : UINT32_MAX;
      char name[96];
      if (i >= n->nargs || !fn || !(fn->flags & IR_F_DEFINITION) || (fn->name && !strcmp(fn->name, "main")) ||
          !address_of_local_name(n->args[i].text, name, sizeof name) ||
          !declared_local(f, fn, n->span.start, name))
        continue;
      if (!loop_known) {
        loop_run = last_loop_run(kb, fn);
        loop_known = true;
      }
      if (loop_run > n->span.start || registered_after(kb, fn, n, name) ||
          handle_outlived(f, kb, fn, n, name, &funcs, &runs_loop))
        continue;
      al_report(sink, n, "`%s` is a local of `%s`, initialised by `%s()`: the loop keeps the handle in its handle list "
                "until it is closed and its close callback has run, long after the function has returned — in a dead "
                "stack frame; allocate it (malloc; free it in its close callback) or keep it in a longer-lived struct",
                name, fn->name ? fn->name : "?", al_call_label(f, n));
      continue;
    }
    const al_kb_entry *e = al_kb_find(kb, "registrations", n->name);
    const char *ra = e ? al_kb_attr(e, "req_arg") : NULL, *on = e ? al_kb_attr(e, "on") : NULL;
    if (!ra || !on) continue;
    uint32_t ri = (uint32_t)strtoul(ra, NULL, 10);
    if (ri >= n->nargs) continue;
    /* the callback: NULL makes an fs request (a DNS lookup, uv_random) synchronous; a
     * write, shutdown or send without one is still pending when the function returns */
    uint32_t ci = al_c_callback_arg(e, n);
    bool no_cb = ci != UINT32_MAX && (n->args[ci].flags & IR_ARG_NULL);
    if (no_cb && al_kb_attr_is(e, "null_cb_sync", "true")) continue;
    if (!fn || !(fn->flags & IR_F_DEFINITION) || (fn->name && !strcmp(fn->name, "main"))) continue; /* (main's
                                                                              frame lasts as long as the program) */
    if (!loop_known) {
      loop_run = last_loop_run(kb, fn);
      loop_known = true;
    }
    bool loop_after = loop_run > n->span.start; /* the function runs the loop itself after the call: its
                                                    * locals outlive the work */
    char name[96];
    if (!address_of_local_name(n->args[ri].text, name, sizeof name) ||
        !declared_local(f, fn, n->span.start, name)) {
      if (al_kb_attr(e, "bufs_arg") && !loop_after) stack_buffer(f, sink, n, e, fn, &makers);
      continue;
    }
    /* or takes the object back from the loop before it returns */
    if (loop_after || released_after(kb, fn, n, name)) continue;
    const char *armed = al_kb_attr(e, "armed_by"); /* prepared only: nothing calls back yet */
    if (armed && !armed_after(fn, n, name, armed)) continue;
    if (no_cb)
      al_report(sink, n, "`%s` is a local of `%s`, handed to `%s()` without a callback: the request still completes "
                "later, and the loop keeps it queued until then, after the function has returned — in a dead stack "
                "frame; allocate it (malloc; free it once the request is done) or keep it in a longer-lived struct",
                name, fn->name ? fn->name : "?", al_call_label(f, n));
    else
      al_report(sink, n, "`%s` is a local of `%s`, handed to `%s()`, which completes later through a callback: the "
                "function returns first and the loop then uses (and calls back with) a dead stack frame; allocate "
                "it (malloc; free a request in its callback, a handle in its close callback) or keep it in a "
                "longer-lived struct", name, fn->name ? fn->name : "?", al_call_label(f, n));
  }
  al_vec_free(&makers);
  al_map_free(&funcs);
  al_map_free(&runs_loop);
}

const al_rule rule_al106 = {
    .code = "AL106",
    .name = "stack-request",
    .family = AL_FAMILY_MISSING_AWAIT,
    .langs = 1u << AL_LANG_C,
    .severity = AL_SEV_ERROR,
    .summary = "a libuv request or handle on the stack of a function that returns before its callback",
    .fix = AL_FIX_NONE,
    .check = check,
};
