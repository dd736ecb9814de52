/* AL101 unawaited-coroutine: a call that yields a coroutine / promise / future whose
 * result is dropped on the floor. Knows project functions through the index and APIs
 * through the knowledge data ("awaitable", and for C "future_types"). */
#include <ctype.h>
#include <string.h>

#include "common.h"

static const char *what(al_lang lang) {
  switch (lang) {
  case AL_LANG_PYTHON: return "coroutine";
  case AL_LANG_JS: return "promise";
  default: return "future";
  }
}

/* What to do with the dropped awaitable at n, in the words of the event-loop library the
 * code uses (Python: asyncio, trio or anyio). */
static const char *advice(const ir_file *f, const ir_node *n, bool in_async) {
  switch (f->lang) {
  case AL_LANG_PYTHON: {
    /* an API names its library itself; else the one the function (file) uses */
    const char *lib = al_py_async_lib_of(f, n);
    if (!strcmp(lib, "trio"))
      return in_async ? "await it, or start it in a nursery (`nursery.start_soon(fn, ...)`)"
                      : "await it from an async function, or run it with trio.run()";
    if (!strcmp(lib, "anyio"))
      return in_async ? "await it, or start it in a task group (`tg.start_soon(fn, ...)`)"
                      : "await it from an async function, or run it with anyio.run()";
    return in_async ? "await it, or keep the task from asyncio.create_task()"
                    : "await it from an async function, or run it with asyncio.run()";
  }
  case AL_LANG_JS:
    return in_async ? "await it, return it, or handle rejection with .catch()"
                    : "return it, handle rejection with .catch(), or mark it with `void` if dropping it is intended";
  default:
    /* the reference runtime's future, or another runtime's (knowledge `future_type_words`) */
    return al_c_reference_future(f, n) ? "pass it to rt_await() (or keep it and await it later)"
               : "wait for it with its runtime's await or join (or keep it and wait later)";
  }
}

/* Where `async ` goes to make FUNC fn async, or UINT32_MAX when it cannot be. */
static uint32_t async_insert_point(const ir_file *f, const ir_node *fn) {
  const char *t = f->src->text + fn->span.start;
  if (fn->flags & IR_F_GENERATOR) return UINT32_MAX; /* would become an async generator */
  if (f->lang == AL_LANG_PYTHON) return al_starts_with(t, "def ") ? fn->span.start : UINT32_MAX;
  if (al_starts_with(t, "get ") || al_starts_with(t, "set ") || al_starts_with(t, "constructor"))
    return UINT32_MAX; /* accessors and constructors cannot be async */
  uint32_t off = fn->span.start;
  if (al_starts_with(t, "static ")) off += 7;
  return off;
}

/* Insert `await`: safe inside an async function; unsafe where the enclosing function
 * must become async too (its callers then get a coroutine/promise). No fix at module
 * level, in lambdas (Python) or in C. */
static al_fix *make_fix(const ir_file *f, const ir_node *call, const ir_node *encl) {
  if (f->lang == AL_LANG_C || !encl) return NULL;
  if (encl->flags & IR_F_ASYNC) {
    al_fix *fx = al_fix_new(AL_FIX_APPLY_SAFE, "insert `await`");
    al_fix_add(fx, call->span.start, call->span.start, "await ");
    return fx;
  }
  if (f->lang == AL_LANG_PYTHON && (encl->flags & IR_F_LAMBDA)) return NULL;
  uint32_t at = async_insert_point(f, encl);
  if (at == UINT32_MAX) return NULL;
  al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "insert `await` and make the enclosing function async");
  al_fix_add(fx, at, at, "async ");
  al_fix_add(fx, call->span.start, call->span.start, "await ");
  return fx;
}

static bool stored_promise(const ir_file *f, const al_index *idx, const ir_node *n, const char *name);

/* JS: `p.then(f)` on a local holding a promise (`const p = fetch(u)`). */
static bool chain_on_stored_promise(const ir_file *f, const al_index *idx, const ir_node *n) {
  if (!n->child || n->child->kind != IR_USE || !n->child->name) return false;
  size_t vl = strlen(n->child->name);
  const al_func_info *callee;
  const al_kb_entry *api;
  const char *prop = n->name && !strncmp(n->name, n->child->name, vl) && n->name[vl] == '.' ? n->name + vl + 1 : NULL;
  const char *dot = prop ? strchr(prop, '.') : NULL;
  if (dot) { /* `obj.user.then(f)`, obj an object literal */
    const ir_node *v = !strchr(dot + 1, '.') ? al_literal_member_call(f, n, n->child->name, prop, (size_t)(dot - prop)) : NULL;
    return v && al_index_call_awaitable(idx, f, v, &callee, &api);
  }
  return stored_promise(f, idx, n, n->child->name);
}

/* JS: name holds a promise at node n: a parameter or a declaration types it so (`p:
 * Promise<T>`, or `Promise<T> | undefined`), or the function assigned it an awaitable call
 * before n. */
static bool stored_promise(const ir_file *f, const al_index *idx, const ir_node *n, const char *name) {
  bool array, maybe;
  if (f->lang == AL_LANG_JS && al_promise_or_array_param(f, n, name, &array, &maybe) && !array) return true;
  const al_func_info *callee;
  const al_kb_entry *api;
  const ir_node *fn = ir_enclosing_func(n);
  const ir_node *root = fn ? fn : f->root;
  for (const ir_node *c = root->child; c && c != n; c = ir_next(c, root)) {
    if (c->kind == IR_CALL && c->use == IR_USE_ASSIGNED && c->alias && !strcmp(c->alias, name) &&
        al_index_call_awaitable(idx, f, c, &callee, &api))
      return true;
  }
  return false;
}

/* JS: `promise.then(f)` / `.finally(f)` with a handler, on a name or property whose type
 * is not known: `then` is a promise's method (a thenable's, which is one), and the
 * statement drops what it returns (eslint-plugin-promise's catch-or-return reports it
 * without types; typescript-eslint does once the receiver is typed). */
static bool then_on_unknown(const ir_node *n) {
  return n->nargs >= 1 && !(n->args[0].flags & IR_ARG_NULL) && !strchr(n->name, '(') &&
         (al_ends_with(n->name, ".then") || al_ends_with(n->name, ".finally"));
}

/* JS: an async function expression called in place (async IIFE): the callee is the
 * call's first child, an async FUNC. */
static bool async_iife(const ir_node *n) {
  return n->child && n->child->kind == IR_FUNC && (n->child->flags & IR_F_ASYNC) && n->text && !strcmp(n->text, "()") &&
         !al_func_handles_errors(n->child); /* one that catches everything cannot reject */
}

/* JS: a plain function expression called in place whose expression body, or a
 * top-level `return`, is an awaitable call (`(() => load())()`): the call returned. */
static const ir_node *promise_iife(const ir_file *f, const al_index *idx, const ir_node *n) {
  const ir_node *fn = n->child;
  if (!fn || fn->kind != IR_FUNC || (fn->flags & IR_F_ASYNC) || !n->text || strcmp(n->text, "()")) return NULL;
  for (const ir_node *x = fn->child; x; x = x->next) {
    const ir_node *r = x->kind == IR_RETURN ? x->child : x;
    const al_func_info *callee;
    const al_kb_entry *api;
    if (!r || r->kind != IR_CALL || r->use != IR_USE_RETURNED || !al_index_call_awaitable(idx, f, r, &callee, &api))
      continue;
    if (r->name && ((al_ends_with(r->name, ".catch") && r->nargs && !(r->args[0].flags & IR_ARG_NULL)) ||
                    (al_ends_with(r->name, ".then") && r->nargs >= 2 && !(r->args[1].flags & IR_ARG_NULL))))
      return NULL; /* the chain handles its rejection */
    return r;
  }
  return NULL;
}

/* `if coro():` / `if (fetchUser())` / `!p()` / `p() || x`: the test sees the
 * coroutine/promise object, which is always true, and the work is never awaited
 * (pyright's reportUnnecessaryComparison on coroutines, typescript-eslint's
 * no-misused-promises checksConditionals, without types). */
static void truth_tested(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  const al_func_info *fn;
  const al_kb_entry *api;
  if (f->lang == AL_LANG_C || !al_index_call_awaitable(idx, f, n, &fn, &api)) return;
  if (f->lang == AL_LANG_JS && n->child && n->child->kind == IR_CALL && n->child->use == IR_USE_CHAINED) return;
  const ir_node *encl = ir_enclosing_func(n);
  al_fix *fx = f->lang == AL_LANG_PYTHON && al_py_in_genexp(f, n) ? NULL : make_fix(f, n, encl);
  const char *callee = al_call_label(f, n);
  if (f->lang == AL_LANG_PYTHON)
    al_report_fix(sink, n, fx,
                  "coroutine %s `%s%s` is tested for truth without being awaited: a coroutine object is "
                  "always true, so the test decides nothing and the coroutine never runs; test its awaited result "
                  "(`await %s%s`)", (n->flags & IR_F_PROPERTY) ? "read as" : "returned by", callee,
                  al_call_parens(n), callee, al_call_parens(n));
  else
    al_report_fix(sink, n, fx,
                  "promise returned by `%s()` is tested for truth without being awaited: a promise is always truthy "
                  "and never nullish, so the test decides nothing and a rejection goes unhandled; test its awaited "
                  "result (`await %s()`)", callee, callee);
}

/* The call whose result the assignment assigns, when it is the whole value: not a branch
 * of one (`maybe = f() if c else None`: the test means something); NULL otherwise. */
static const ir_node *whole_assigned_call(const ir_file *f, const ir_node *assign) {
  const ir_node *call = NULL;
  for (const ir_node *c = assign->child; c; c = c->next)
    if (c->kind == IR_CALL && c->use == IR_USE_ASSIGNED) call = c;
  if (!call) return NULL;
  const char *t = f->src->text;
  uint32_t e = call->span.end;
  while (e < assign->span.end && (t[e] == ' ' || t[e] == '\t' || t[e] == '\n' || t[e] == '\r' || t[e] == ')')) e++;
  return e >= assign->span.end ? call : NULL;
}

/* JS: the keyword that declares the assignment's variable (`const p = f()`): 'c'onst,
 * 'l'et or 'v'ar; 0 for a plain assignment. */
static char js_declared_by(const ir_file *f, const ir_node *assign) {
  const char *t = f->src->text;
  uint32_t b = assign->span.start;
  while (b > 0 && (t[b - 1] == ' ' || t[b - 1] == '\t' || t[b - 1] == '\n' || t[b - 1] == '\r')) b--;
  if (b >= 5 && !memcmp(t + b - 5, "const", 5)) return 'c';
  if (b >= 3 && (!memcmp(t + b - 3, "let", 3) || !memcmp(t + b - 3, "var", 3))) return t[b - 3];
  return 0;
}

/* JS: the one top-level `const name = ...` of the module (NULL: none, several, or not a
 * const). Big files look it up in the file's bindings table rather than walk the
 * module's statements, once per test of a name. */
static const ir_node *module_const(const ir_file *f, const char *name) {
  const ir_node *only = NULL;
  int count = 0;
  if (f->src->len <= IR_SCAN_BYTES) {
    for (const ir_node *c = f->root->child; c && count < 2; c = c->next)
      if (c->kind == IR_ASSIGN && c->name && !strcmp(c->name, name)) count++, only = c;
  } else {
    size_t nb;
    const ir_binding *b = ir_bindings_of(f, name, strlen(name), &nb);
    for (size_t i = 0; i < nb && count < 2; i++)
      if (b[i].n->kind == IR_ASSIGN && b[i].n->parent == f->root) count++, only = b[i].n;
  }
  return count == 1 && js_declared_by(f, only) == 'c' ? only : NULL;
}

/* The call whose result the local `use` reads holds: the local is assigned once in its
 * function, before `use` and in a block around it (in JS by its declaration, `const p =
 * load()`), from the call itself (not `cond ? fetch() : null`); NULL otherwise. */
static const ir_node *sole_assigned_call(const ir_file *f, const ir_node *use) {
  const ir_node *fn = ir_enclosing_func(use), *only = NULL;
  if (!fn) fn = f->root; /* a module-level `const p = load(); if (p) ...` */
  int count = 0;
  for (const ir_node *c = fn->child; c && count < 2; c = ir_next(c, fn))
    if (c->kind == IR_ASSIGN && c->name && !strcmp(c->name, use->name)) count++, only = c;
  if (!count && fn != f->root && f->lang == AL_LANG_JS) {
    /* a module-level `const ready = load()` read in a function (`if (ready)`): no function
     * around the use binds the name (a parameter, a local), and the module binds it once,
     * by a top-level const (never reassigned; the use runs when the function is called) */
    size_t len = strlen(use->name);
    for (const ir_node *g = fn; g; g = ir_enclosing_func(g))
      if (ir_has_param(g, use->name, len) || ir_binds_local(f, g, use->name, len, UINT32_MAX)) return NULL;
    only = module_const(f, use->name);
    return only ? whole_assigned_call(f, only) : NULL;
  }
  if (count != 1 || only->span.start > use->span.start) return NULL;
  /* JS: the declaration itself (`const p = f()`), not `let p; if (c) p = f();` */
  if (f->lang == AL_LANG_JS && !js_declared_by(f, only)) return NULL;
  bool around = false;
  for (const ir_node *p = use->parent; p && !around; p = p->parent) around = p == only->parent;
  return around ? whole_assigned_call(f, only) : NULL;
}

/* The call whose coroutine or promise the local `use` reads holds (as above), when it
 * is awaitable and not a kept task; NULL otherwise. */
static const ir_node *stored_awaitable(const ir_file *f, const al_index *idx, const ir_node *use) {
  const ir_node *call = sole_assigned_call(f, use);
  const al_func_info *callee;
  const al_kb_entry *api;
  if (!call || al_spawn_dangles(f, call) || !al_index_call_awaitable(idx, f, call, &callee, &api)) return NULL;
  if (callee && (callee->func->flags & (IR_F_MAYBE_PROMISE | IR_F_ASYNC)) == IR_F_MAYBE_PROMISE)
    return NULL; /* `const p = f()` with `f(): Promise<T> | null`: `if (p)` decides something */
  return call;
}

/* `gen.next()` / `gen.aclose()` on an async generator — a call of a project `async
 * function*` / async generator def, in place (`ticks().next()`) or held by a local
 * (`const gen = ticks()`): the method (knowledge `async_generator_methods`) returns a
 * promise / awaitable. Returns the generator function, or NULL. */
static const al_func_info *async_gen_method(const ir_file *f, const al_index *idx, const ir_node *n) {
  const char *dot = n->name ? strrchr(n->name, '.') : NULL;
  if (!dot || !n->child || !al_kb_find(al_kb_for(f->lang), "async_generator_methods", dot + 1)) return NULL;
  const ir_node *recv = n->child;
  if (recv->span.start != n->span.start) return NULL; /* the receiver comes first */
  const ir_node *made = recv->kind == IR_CALL ? recv : recv->kind == IR_USE && recv->name ? sole_assigned_call(f, recv) : NULL;
  if (!made) return NULL;
  const al_func_info *fn = al_index_resolve(idx, f, made);
  return fn && (fn->func->flags & (IR_F_ASYNC | IR_F_GENERATOR)) == (IR_F_ASYNC | IR_F_GENERATOR) ? fn : NULL;
}

/* A local holding a coroutine or promise, tested for truth (`p = fetch(); if (p)`). */
static void stored_truth_tested(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *use) {
  if (!use->name) return;
  const ir_node *typed = f->lang == AL_LANG_JS ? al_promise_param(f, use, use->name) : NULL;
  if (typed) {
    al_report(sink, use, "`%s` is a %s typed as a promise and is tested for truth: a promise is always "
              "truthy, so the test decides nothing; await it first and test the result", use->name,
              typed->kind == IR_FUNC ? "parameter" : "variable");
    return;
  }
  const ir_node *call = stored_awaitable(f, idx, use);
  if (!call) return;
  const char *label = al_call_label(f, call);
  if (f->lang == AL_LANG_PYTHON)
    al_report(sink, use, "`%s` holds the coroutine returned by `%s()` (line %u) and is tested for truth: a coroutine "
              "object is always true, so the test decides nothing; await it first and test the result",
              use->name, label, call->span.line);
  else
    al_report(sink, use, "`%s` holds the promise returned by `%s()` (line %u) and is tested for truth: a promise is "
              "always truthy, so the test decides nothing; await it first and test the result", use->name, label,
              call->span.line);
}

/* JS: the call is spread (`{...load()}`, `[...load()]`, `f(...load())`): 0 if not, else
 * the bracket that holds the spread ('{', '[' or '('). */
/* JS: a promise spread into an object copies nothing (a promise has no own enumerable
 * properties: typescript-eslint no-misused-promises' checksSpreads); into an array or
 * the arguments of a call it throws TypeError (a promise is not iterable). */
static void spread_promise(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  char where = al_spread_in(f, n);
  const al_func_info *fn;
  const al_kb_entry *api;
  if (!where || !al_index_call_awaitable(idx, f, n, &fn, &api)) return;
  const char *callee = al_call_label(f, n);
  if (where == '{')
    al_report(sink, n, "the promise returned by `%s()` is spread into an object without being awaited: a promise has "
              "no own properties, so nothing is copied and a rejection goes unhandled; spread `...(await %s())`",
              callee, callee);
  else
    al_report(sink, n, "the promise returned by `%s()` is spread into %s without being awaited: a promise is not "
              "iterable, so this throws TypeError; spread `...(await %s())`", callee,
              where == '[' ? "an array" : "the arguments of a call", callee);
}

/* Python: a project async generator after `in` — a comprehension's plain `for x in
 * agen()` or a membership test `v in agen()`: not iterable, TypeError. (`async for x in
 * agen()` is fine; a `for` statement is sync_for_async_gen's.) */
static bool py_in_async_gen(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  if (n->parent && n->parent->kind == IR_LOOP) return false;
  const char *t = f->src->text;
  uint32_t b = n->span.start;
  while (b > 0 && (t[b - 1] == ' ' || t[b - 1] == '\t' || t[b - 1] == '\n' || t[b - 1] == '\\')) b--;
  if (b < 3 || memcmp(t + b - 2, "in", 2) || al_ident_char(t[b - 3])) return false;
  const al_func_info *gen = al_index_resolve(idx, f, n);
  if (!gen || (gen->func->flags & (IR_F_ASYNC | IR_F_GENERATOR)) != (IR_F_ASYNC | IR_F_GENERATOR) ||
      (gen->func->flags & IR_F_DECORATED))
    return false;
  /* back to the `for` of this clause, at the same bracket depth; none: a membership test */
  int depth = 0;
  bool comp = false;
  uint32_t i = b - 2;
  for (uint32_t steps = 0; i > 0 && steps < 4096; steps++) {
    char ch = t[--i];
    if (ch == ')' || ch == ']' || ch == '}') depth++;
    else if (ch == '(' || ch == '[' || ch == '{') {
      if (!depth) break;
      depth--;
    } else if (ch == '\n' && !depth) break;
    else if (!depth && ch == 'f' && i + 3 <= b && !memcmp(t + i, "for", 3) && (i == 0 || !al_ident_char(t[i - 1])) &&
             !al_ident_char(t[i + 3])) {
      comp = true;
      break;
    }
  }
  if (comp) {
    uint32_t j = i;
    while (j > 0 && (t[j - 1] == ' ' || t[j - 1] == '\t' || t[j - 1] == '\n')) j--;
    if (j >= 5 && !memcmp(t + j - 5, "async", 5) && (j == 5 || !al_ident_char(t[j - 6]))) return false;
  }
  const char *label = al_call_label(f, n);
  if (comp)
    al_report(sink, n, "a comprehension's plain `for` over `%s()`, an async generator (defined at %s:%u): it is "
              "not iterable, so this raises TypeError and the generator never runs; use `async for` in the "
              "comprehension", label, gen->file->src->path, gen->func->span.line);
  else
    al_report(sink, n, "`in %s()` tests membership in an async generator (defined at %s:%u): it is not iterable, "
              "so this raises TypeError; collect it first (`[x async for x in %s(...)]`)", label,
              gen->file->src->path, gen->func->span.line, label);
  return true;
}

/* JS: a project async generator spread (`[...pages()]`, `f(...pages())`: TypeError, it
 * is not iterable) or given to Array.from (`Array.from(pages())`: an empty array, it has
 * no length either); Array.fromAsync / for await collect it. */
static bool js_async_gen_consumed(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  const al_func_info *gen = al_index_resolve(idx, f, n);
  if (!gen || (gen->func->flags & (IR_F_ASYNC | IR_F_GENERATOR)) != (IR_F_ASYNC | IR_F_GENERATOR)) return false;
  const char *label = al_call_label(f, n);
  char where = al_spread_in(f, n);
  const ir_node *c = n->parent;
  if (where == '[' || where == '(') {
    al_report(sink, n, "`%s()`, an async generator (defined at %s:%u), is spread into %s: it is not iterable, so "
              "this throws TypeError and the generator never runs; collect it with `await Array.fromAsync(%s())` "
              "or `for await`", label, gen->file->src->path, gen->func->span.line,
              where == '[' ? "an array" : "the arguments of a call", label);
    return true;
  }
  if (c && c->kind == IR_CALL && c->name && !strcmp(c->name, "Array.from") && c->nargs &&
      c->args[0].text && al_starts_with(c->args[0].text, label)) {
    al_report(sink, n, "`Array.from()` is given `%s()`, an async generator (defined at %s:%u): it is neither "
              "iterable nor array-like, so the result is an empty array and the generator never runs; use `await "
              "Array.fromAsync(%s())`", label, gen->file->src->path, gen->func->span.line, label);
    return true;
  }
  return false;
}

/* JS: `{...p}` / `[...p]` where the local p holds a promise (see stored_awaitable). */
static void stored_spread(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *use) {
  char where = use->name ? al_spread_in(f, use) : 0;
  const ir_node *call = where ? stored_awaitable(f, idx, use) : NULL;
  if (!call) return;
  const char *label = al_call_label(f, call);
  if (where == '{')
    al_report(sink, use, "`%s` holds the promise returned by `%s()` (line %u) and is spread into an object: a promise "
              "has no own properties, so nothing is copied; spread `...(await %s)`", use->name, label,
              call->span.line, use->name);
  else
    al_report(sink, use, "`%s` holds the promise returned by `%s()` (line %u) and is spread into %s: a promise is not "
              "iterable, so this throws TypeError; spread `...(await %s)`", use->name, label, call->span.line,
              where == '[' ? "an array" : "the arguments of a call", use->name);
}

/* "returned by `f()`", or "created by `new Promise()`" for a constructor call. */
static const char *made_by(const ir_file *f, const ir_node *n, char *buf, size_t cap) {
  const char *callee = al_call_label(f, n);
  if (n->flags & IR_F_PROPERTY) /* a getter of a promise (chai-as-promised's `.to.be.fulfilled`) */
    snprintf(buf, cap, "read as `%s`", callee);
  else
    snprintf(buf, cap, "%s by `%s%s()`", (n->flags & IR_F_NEW) ? "created" : "returned",
             (n->flags & IR_F_NEW) ? "new " : "", callee);
  return buf;
}

/* The call is in the body of a try with a catch or finally, or in a catch of a try with
 * a finally, of the function encl (JS `return p` there: the rejection skips the catch,
 * and the finally runs before p settles). */
static bool in_guarded_try(const ir_node *n, const ir_node *encl, bool *in_catch) {
  const ir_node *from = n;
  for (const ir_node *p = n->parent; p && p != encl; from = p, p = p->parent) {
    if (p->kind == IR_FUNC) return false;
    if (p->kind != IR_TRY) continue;
    bool handler = false, fin = false;
    for (const ir_node *c = p->child; c; c = c->next) {
      handler |= c->kind == IR_HANDLER;
      fin |= c->kind == IR_FINALLY;
    }
    if (from->kind == IR_FINALLY) continue;
    if (from->kind == IR_HANDLER ? fin : (handler || fin)) {
      if (in_catch) *in_catch = from->kind == IR_HANDLER;
      return true;
    }
  }
  return false;
}

/* `return g()` of an awaitable, not awaited, from an async function: Python hands the
 * caller a coroutine in place of the result (`await f()` gives the coroutine); JS only
 * matters inside try/catch/finally. */
static void returned_unawaited(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  const ir_node *encl = ir_enclosing_func(n);
  if (!encl || !(encl->flags & IR_F_ASYNC) || (encl->flags & IR_F_GENERATOR)) return;
  bool in_catch = false;
  if (f->lang == AL_LANG_JS ? !in_guarded_try(n, encl, &in_catch) : al_py_returns_awaitable_by_design(f, encl)) return;
  const al_func_info *fn = NULL;
  const al_kb_entry *api = NULL;
  bool iife = f->lang == AL_LANG_JS && (async_iife(n) || promise_iife(f, idx, n)); /* `return (async () => ...)()` */
  if (!iife && !al_index_call_awaitable(idx, f, n, &fn, &api)) return;
  /* Python: a sync function returning an awaitable is a wrapper by design (JS: inside the
   * try, any promise's rejection skips the catch, whoever made it) */
  if (fn && !(fn->func->flags & IR_F_ASYNC) && f->lang == AL_LANG_PYTHON) return;
  /* an async context manager that is also awaitable (`aiofiles.open(p)`): handed back for
   * `async with await f()` (Quart's open_resource), not a coroutine to run */
  if (!fn && f->lang == AL_LANG_PYTHON && n->name &&
      al_kb_match(al_kb_for(f->lang), "async_context_managers", n->name))
    return;
  const char *callee = al_call_label(f, n);
  al_fix *fx = al_fix_new(f->lang == AL_LANG_JS ? AL_FIX_APPLY_SAFE : AL_FIX_APPLY_UNSAFE, "insert `await`");
  al_fix_add(fx, n->span.start, n->span.start, "await ");
  if (iife)
    al_report_fix(sink, n, fx,
                  "promise of a function called in place is returned without await inside `%s`: %s; `return await` "
                  "it", in_catch ? "catch" : "try",
                  in_catch ? "the `finally` runs before it settles (what it cleans up is still in use)"
                           : "its rejection skips this function's catch, and a finally runs before it settles");
  else if (f->lang == AL_LANG_JS && in_catch)
    al_report_fix(sink, n, fx,
                  "promise returned by `%s()` is returned without await inside `catch`: the `finally` runs before "
                  "it settles (what it cleans up is still in use); `return await %s()`", callee, callee);
  else if (f->lang == AL_LANG_JS)
    al_report_fix(sink, n, fx,
                  "promise returned by `%s()` is returned without await inside `try`: its rejection skips this "
                  "function's catch, and a finally runs before it settles; `return await %s()`",
                  callee, callee);
  else
    al_report_fix(sink, n, fx,
                  "coroutine returned by `%s()` is returned from async function `%s` without await: `await %s()` "
                  "then gives the coroutine, not its result, and it may never run; `return await %s()`",
                  callee, encl->name ? encl->name : "?", encl->name ? encl->name : "?", callee);
}

/* Python: a coroutine given where a callback is expected (knowledge `void_callbacks`,
 * its `arg` position): `loop.call_soon(handler())`, `fut.add_done_callback(done())` —
 * the scheduler raises TypeError (not callable) and the coroutine is never awaited. */
static void coroutine_for_callback(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  uint32_t k;
  const ir_arg *a = al_callback_arg(n, al_kb_match(al_kb_for(f->lang), "void_callbacks", n->name), &k);
  if (!a || (a->flags & IR_ARG_SPREAD)) return;
  const ir_node *c = al_arg_call(f, n, k);
  const al_func_info *fn;
  const al_kb_entry *api;
  if (!c || al_spawn_dangles(f, c) || !al_index_call_awaitable(idx, f, c, &fn, &api)) return;
  al_report(sink, c, "coroutine `%s()` passed to `%s()`, which expects a callback (a function to call): it "
            "raises TypeError and the coroutine is never awaited; schedule the coroutine with "
            "asyncio.create_task(%s), or pass a plain function", al_call_label(f, c), al_call_label(f, n),
            a->text);
}

/* Python: `nursery.start_soon(work(x))` / `trio.run(main())` — a coroutine handed to a
 * call that takes the async function and its arguments (knowledge `takes_async_fn`).
 * Trio/anyio raise TypeError and the coroutine is never awaited. Fix (safe): pass the
 * function and its positional arguments, `start_soon(work, x)`. */
static void coroutine_for_function(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  if (f->lang != AL_LANG_PYTHON || !n->name || !n->nargs || (n->args[0].flags & IR_ARG_KEYWORD)) return;
  const ir_node *arg = NULL;
  for (const ir_node *c = n->child; c; c = c->next)
    if (c->kind == IR_CALL && c->use == IR_USE_PASSED) {
      arg = c;
      break;
    }
  if (arg && !al_kb_match(al_kb_for(f->lang), "takes_async_fn", n->name)) {
    coroutine_for_callback(f, idx, sink, n);
    return;
  }
  if (!arg || !n->args[0].text || !arg->text) return;
  /* the first argument is that call, as written */
  size_t tl = strlen(n->args[0].text);
  if (tl < 2 || n->args[0].text[tl - 1] != ')') return;
  const al_func_info *fn;
  const al_kb_entry *api;
  if (!al_index_call_awaitable(idx, f, arg, &fn, &api)) return;
  const char *callee = al_call_label(f, n), *what = al_call_label(f, arg);
  /* the fix: `work(a, b)` -> `work, a, b` when its arguments are all positional */
  al_fix *fx = al_pass_function_fix(f, arg, AL_FIX_APPLY_SAFE);
  al_report_fix(sink, arg, fx,
                "coroutine `%s()` passed to `%s()`, which takes the async function and its arguments: it raises "
                "TypeError and the coroutine is never awaited; pass `%s, ...` instead",
                what, callee, arg->text);
}

/* Python: `asyncio.create_task(main)` / `asyncio.run(main)` — an async function passed
 * by name where a coroutine is expected (knowledge `takes_coroutine`): TypeError, and
 * the function never runs. Fix (safe): call it, `main()`. */
static void function_for_coroutine(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  if (!n->name) return;
  const al_kb_entry *takes = NULL; /* the knowledge lookup, once a plain-name argument is seen */
  for (uint32_t i = 0; i < n->nargs; i++) {
    const ir_arg *a = &n->args[i];
    if (!a->text || (a->flags & (IR_ARG_KEYWORD | IR_ARG_LAMBDA | IR_ARG_LITERAL | IR_ARG_NULL | IR_ARG_SPREAD |
                                 IR_ARG_COMPREHENSION)))
      continue;
    bool name = true;
    for (const char *p = a->text; *p && name; p++) name = isalnum((unsigned char)*p) || *p == '_' || *p == '.';
    if (!name) continue;
    if (!takes && !(takes = al_kb_match(al_kb_for(f->lang), "takes_coroutine", n->name))) return;
    if (!al_arg_async_fn(f, idx, n, a->text)) continue;
    /* where the argument is in the source: its text after the call's open parenthesis */
    const char *t = f->src->text;
    uint32_t open = al_callee_end(f, n);
    const char *at = open < n->span.end ? memmem(t + open, n->span.end - open, a->text, strlen(a->text)) : NULL;
    al_fix *fx = NULL;
    if (at) {
      uint32_t end = (uint32_t)(at - t) + (uint32_t)strlen(a->text);
      fx = al_fix_new(AL_FIX_APPLY_SAFE, "call the async function");
      al_fix_add(fx, end, end, "()");
    }
    al_report_fix(sink, n, fx,
                  "async function `%s` passed to `%s()`, which takes a coroutine: it raises %s and `%s` never "
                  "runs; call it: `%s()`",
                  a->text, al_call_label(f, n), al_kb_attr(takes, "raises") ? al_kb_attr(takes, "raises") : "TypeError",
                  a->text, a->text);
    return;
  }
}

/* Python: a plain `with` over an async-only context manager (`with lock:` for an
 * asyncio.Lock, `with aiohttp.ClientSession() as s`): `__enter__` does not exist, so it
 * raises TypeError, and the async acquire it meant is never awaited. Fix (safe, in an
 * async def): `async with`. */
static void sync_with_async_cm(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  const char *item = al_sync_with_async_cm(f, n);
  /* a project class with __aenter__ and no __enter__, or an @asynccontextmanager function */
  for (const ir_node *c = n->child; !item && !(n->flags & IR_F_ASYNC) && c; c = c->next) {
    bool cm_async = false;
    if (c->kind == IR_CALL && c->use == IR_USE_OTHER && c->name && n->name && strstr(n->name, c->name) &&
        ((al_py_cm_factory(idx, f, c, &cm_async) && cm_async) ||
         al_index_class_method(idx, f, c, "__enter__", "__aenter__") == 0))
      item = c->name;
  }
  if (!item) return;
  const ir_node *encl = ir_enclosing_func(n);
  bool in_async = encl && (encl->flags & IR_F_ASYNC);
  al_fix *fx = NULL;
  if (in_async && n->span.start + 4 <= f->src->len && !strncmp(f->src->text + n->span.start, "with", 4)) {
    fx = al_fix_new(AL_FIX_APPLY_SAFE, "use `async with`");
    al_fix_add(fx, n->span.start, n->span.start, "async ");
  }
  al_report_fix(sink, n, fx, "`with` over `%s`, an async context manager: it has no `__enter__`, so this raises "
                "TypeError and the acquire/enter it meant is never awaited; %s", item,
                in_async ? "use `async with`" : "use `async with` inside an async function");
}

/* `for` -> `async for` (Python) / `for await` (JS), in async code only (safe). */
static al_fix *async_for_fix(const ir_file *f, const ir_node *loop, bool py, bool in_async) {
  if (!in_async || loop->span.start + 3 > f->src->len || strncmp(f->src->text + loop->span.start, "for", 3))
    return NULL;
  al_fix *fx = al_fix_new(AL_FIX_APPLY_SAFE, py ? "use `async for`" : "use `for await`");
  uint32_t at = py ? loop->span.start : loop->span.start + 3;
  al_fix_add(fx, at, at, py ? "async " : " await");
  return fx;
}

/* `for line in f` / `for (const line of rl)` over a local holding a library object that
 * is only async-iterable (knowledge `async_iterables`: an aiofiles file, a websockets
 * connection, a readline interface, a Readable): TypeError, `async for` was meant. */
static void sync_for_async_iterable(const ir_file *f, al_sink *sink, const ir_node *loop) {
  const char *type;
  const al_kb_entry *e = al_loop_over_async_only(f, loop, &type);
  if (!e) return;
  bool py = f->lang == AL_LANG_PYTHON;
  const ir_node *encl = ir_enclosing_func(loop);
  bool in_async = encl && (encl->flags & IR_F_ASYNC);
  al_fix *fx = async_for_fix(f, loop, py, in_async);
  const char *note = al_kb_attr(e, "note");
  al_report_fix(sink, loop, fx, "`%s` over `%s` raises TypeError: `%s` is only async-iterable%s%s; use `%s`%s",
                py ? "for" : "for...of", loop->name, type, note ? " — " : "", note ? note : "",
                py ? "async for" : "for await", in_async ? "" : " inside an async function");
}

/* `for x in agen()` (Python) / `for (const x of agen())` (JS) over a project async
 * generator: an async generator is not iterable, so the loop raises TypeError and the
 * generator never runs. Fix (safe, in async code): `async for` / `for await`. */
static void sync_for_async_gen(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *loop) {
  if ((loop->flags & (IR_F_ASYNC | IR_F_WHILE)) || !loop->body || !loop->name ||
      (f->lang != AL_LANG_PYTHON && f->lang != AL_LANG_JS))
    return;
  const ir_node *it = al_loop_iterated_call(f, loop);
  if (!it) return;
  const al_func_info *fn = al_index_resolve(idx, f, it);
  const ir_node *encl = ir_enclosing_func(loop);
  bool in_async = encl && (encl->flags & IR_F_ASYNC);
  bool py = f->lang == AL_LANG_PYTHON;
  const al_func_info *callee;
  const al_kb_entry *api;
  if ((!fn || !(fn->func->flags & IR_F_GENERATOR)) && !al_is_spawn(f, it) &&
      al_index_call_awaitable(idx, f, it, &callee, &api) &&
      !(py && !callee && al_kb_attr_is(api, "kind", "future"))) {
    /* `for r in rows()` over a coroutine / promise: its result was meant */
    al_fix *fx = NULL;
    if (in_async) {
      fx = al_fix_new(AL_FIX_APPLY_SAFE, "iterate the awaited result");
      al_fix_add(fx, it->span.start, it->span.start, "await ");
    }
    al_report_fix(sink, it, fx, "`%s` over `%s()`, which returns a %s: %s, so this raises TypeError%s; iterate its "
                  "result: `%s await %s(...)`%s", py ? "for" : "for...of", al_call_label(f, it),
                  py ? "coroutine" : "promise", py ? "a coroutine is not iterable" : "a promise is not iterable",
                  py ? " and the coroutine never runs" : " (and a rejection is unhandled)", py ? "in" : "of",
                  al_call_label(f, it), in_async ? "" : " inside an async function");
    return;
  }
  /* a library call returning an async iterator (knowledge `async_iterators`:
   * `anyio.Path(p).iterdir()`, httpx's `response.aiter_lines()`) */
  const al_kb_entry *ai = !fn && it->name ? al_kb_match(al_kb_for(f->lang), "async_iterators", it->name) : NULL;
  if (!ai && (!fn || (fn->func->flags & (IR_F_ASYNC | IR_F_GENERATOR)) != (IR_F_ASYNC | IR_F_GENERATOR))) return;
  al_fix *fx = async_for_fix(f, loop, py, in_async);
  if (ai) {
    const char *note = al_kb_attr(ai, "note");
    al_report_fix(sink, loop, fx, "`%s` over `%s()`, which returns an async iterator%s%s: it is not iterable, so "
                  "this raises TypeError; use `%s`%s", py ? "for" : "for...of", al_call_label(f, it),
                  note ? " — " : "", note ? note : "", py ? "async for" : "for await",
                  in_async ? "" : " inside an async function");
    return;
  }
  al_report_fix(sink, loop, fx, "`%s` over `%s()`, an async generator (defined at %s:%u): it is not iterable, so "
                "this raises TypeError and the generator never runs; use `%s`%s", py ? "for" : "for...of",
                al_call_label(f, it), fn->file->src->path, fn->func->span.line, py ? "async for" : "for await",
                in_async ? "" : " inside an async function");
}

/* The project async generator (al_fn_async_gen) that the call n makes, or NULL. */
static const al_func_info *async_gen_call(const ir_file *f, const al_index *idx, const ir_node *n) {
  if (f->lang != AL_LANG_PYTHON && f->lang != AL_LANG_JS) return NULL;
  const al_func_info *fn = al_index_resolve(idx, f, n);
  return al_fn_async_gen(fn) ? fn : NULL;
}

/* `await agen()` of a project async generator: Python raises TypeError (an async
 * generator is not awaitable); JavaScript's await hands back the generator object at once.
 * Either way its body never runs. The same for a plain generator function in Python (not
 * a method, nor one decorated `@types.coroutine`: decorated ones are left alone). */
static bool awaited_async_gen(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  if (!n->parent || n->parent->kind != IR_AWAIT || n->parent->span.start >= n->span.start) return false;
  const al_func_info *gen = async_gen_call(f, idx, n);
  bool py = f->lang == AL_LANG_PYTHON;
  if (!gen && py) {
    const al_func_info *sg = al_index_resolve(idx, f, n);
    /* (not a method: a subclass may override it with an async def, as for awaited_plain) */
    if (!sg || (sg->func->flags & (IR_F_ASYNC | IR_F_GENERATOR | IR_F_DECORATED | IR_F_METHOD)) != IR_F_GENERATOR)
      return false;
    al_report(sink, n, "`await %s()`: `%s` is a generator (defined at %s:%u), and a generator is not awaitable, so "
              "this raises TypeError and its body never runs; iterate it with `for`, or make it an `async def` "
              "that returns its result", al_call_label(f, n), al_display_name(sg->func->name), sg->file->src->path,
              sg->func->span.line);
    return true;
  }
  if (!gen) return false;
  al_report(sink, n, "`await %s()`: `%s` is an async generator (defined at %s:%u), and %s, so its body never runs; "
            "iterate it with `%s`%s", al_call_label(f, n), al_display_name(gen->func->name), gen->file->src->path,
            gen->func->span.line,
            py ? "an async generator is not awaitable: this raises TypeError"
               : "an async generator object is not a promise: the await hands it back at once",
            py ? "async for x in" : "for await (const x of", py ? " (or `await anext(...)` for one item)" : ")");
  return true;
}

/* `async for x in fetch()` / `for await (const x of fetch())` over a project async
 * function that is not a generator: its coroutine / promise is no async iterable, so the
 * loop raises TypeError (and, in Python, the coroutine never runs). */
static void async_for_coroutine(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *loop) {
  if (!(loop->flags & IR_F_ASYNC) || (loop->flags & IR_F_WHILE) || !loop->body || !loop->name ||
      (f->lang != AL_LANG_PYTHON && f->lang != AL_LANG_JS))
    return;
  const ir_node *it = al_loop_iterated_call(f, loop);
  const al_func_info *fn = it ? al_index_resolve(idx, f, it) : NULL;
  if (!al_fn_coroutine(fn)) return;
  bool py = f->lang == AL_LANG_PYTHON;
  al_report(sink, it, "`%s` over `%s()`, an async function (defined at %s:%u) that is no generator: its %s is not "
            "an async iterable, so this raises TypeError%s; iterate what it returns: `%s await %s(...)%s`",
            py ? "async for" : "for await", al_call_label(f, it), fn->file->src->path, fn->func->span.line,
            py ? "coroutine" : "promise", py ? " and the coroutine never runs" : "", py ? "async for x in" : "for await (const x of",
            al_call_label(f, it), py ? "" : ")");
}

/* n yields a coroutine or promise whose value the code meant to use: awaitable, and not
 * a task or Python future (those run whether or not their result is read). */
static bool value_awaitable(const ir_file *f, const al_index *idx, const ir_node *n, const al_func_info **fn,
                            const al_kb_entry **api) {
  if (al_is_spawn(f, n) || !al_index_call_awaitable(idx, f, n, fn, api)) return false;
  return *fn || f->lang != AL_LANG_PYTHON || !al_kb_attr_is(*api, "kind", "future");
}

/* `(await n)` (or `await n` when no parentheses are needed), in an async function only. */
static al_fix *await_first_fix(const ir_node *n, bool in_async, bool parens) {
  if (!in_async) return NULL;
  al_fix *fx = al_fix_new(AL_FIX_APPLY_SAFE, "await it first");
  al_fix_add(fx, n->span.start, n->span.start, parens ? "(await " : "await ");
  if (parens) al_fix_add(fx, n->span.end, n->span.end, ")");
  return fx;
}

/* A coroutine or promise turned into text where its value was meant: `f"{fetch()}"`,
 * `print(fetch())`, `${load()}`, `"n=" + load()`, `console.log(load())`. Python
 * futures and tasks (scheduled already) are left alone. Returns whether it reported. */
static bool formatted_unawaited(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  const ir_node *in = al_formatted(f, idx, n);
  const al_func_info *fn;
  const al_kb_entry *api;
  if (!in || !value_awaitable(f, idx, n, &fn, &api)) return false;
  const ir_node *encl = ir_enclosing_func(n);
  al_fix *fx = make_fix(f, n, encl);
  char where[160] = "";
  if (in != n) snprintf(where, sizeof where, " (an argument of `%s()`)", al_call_label(f, in));
  if (f->lang == AL_LANG_PYTHON)
    al_report_fix(sink, n, fx, "coroutine `%s%s` is turned into text without being awaited%s: it shows as "
                  "`<coroutine object ...>` instead of its result, and it never runs; await it%s", al_call_label(f, n),
                  al_call_parens(n), where,
                  encl && (encl->flags & IR_F_ASYNC) ? "" : " (inside an async function)");
  else
    al_report_fix(sink, n, fx, "promise `%s%s%s` is turned into text without being awaited%s: it shows as "
                  "`[object Promise]` (or `{}`, `Promise { <pending> }`) instead of its value, and a rejection is "
                  "unhandled; await it%s", (n->flags & IR_F_NEW) ? "new " : "", al_call_label(f, n), al_call_parens(n), where,
                  encl && (encl->flags & IR_F_ASYNC) ? "" : " (inside an async function), or use .then()");
  return true;
}

/* A comprehension's (or generator expression's) plain `for` over var, of async-only type. */
static void report_sync_comprehension(al_sink *sink, const ir_node *n, const char *var, const char *type,
                                      const al_kb_entry *e) {
  const char *note = al_kb_attr(e, "note");
  al_report(sink, n, "the comprehension's plain `for` over `%s` raises TypeError: `%s` is only async-iterable%s%s; "
            "use `async for` in it", var, type, note ? " — " : "", note ? note : "");
}

/* A local holding an object that only `async for` / `for await` iterates, given to what
 * iterates synchronously (al_async_only_consumed): TypeError (JS Array.from: an empty
 * array). n: a Python CALL or ASSIGN, a JS USE. */
static void async_only_consumed(const ir_file *f, al_sink *sink, const ir_node *n) {
  al_consumed c;
  if (!al_async_only_consumed(f, n, &c)) return;
  const char *note = al_kb_attr(c.e, "note");
  if (c.how == 'c')
    report_sync_comprehension(sink, n, c.var, c.type, c.e);
  else if (c.how == 'i')
    al_report(sink, n, "`%s()` is given `%s`, which is only async-iterable (`%s`%s%s): it iterates synchronously, "
              "so this raises TypeError; collect it with `[x async for x in %s]` (or `await anext(%s)` for one "
              "item)", al_call_label(f, n), c.var, c.type, note ? " — " : "", note ? note : "", c.var, c.var);
  else if (c.how == 'f')
    al_report(sink, n, "`Array.from()` is given `%s`, which is only async-iterable (`%s`%s%s): it has no "
              "Symbol.iterator, so this makes an empty array; collect it with `await Array.fromAsync(%s)`", c.var,
              c.type, note ? " — " : "", note ? note : "", c.var);
  else
    al_report(sink, n, "`%s` is spread into %s, but it is only async-iterable (`%s`%s%s): this throws TypeError; "
              "collect it with `await Array.fromAsync(%s)`, or use `for await`", c.var,
              c.how == '[' ? "an array" : "a call's arguments", c.type, note ? " — " : "", note ? note : "", c.var);
}

/* A coroutine or promise handed to a call that uses its argument as a value (knowledge
 * `takes_value`, by resolved name: len, list, sorted, sum; Object.keys, Array.from,
 * Number, new Set): it gets the awaitable object, not the result — TypeError, or a wrong
 * answer — and the work is never awaited. Not a project function of that name. Returns
 * whether it reported. */
static bool value_taken(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  const ir_node *c = n->parent;
  if (!c || c->kind != IR_CALL || !c->name || al_index_resolve(idx, f, c)) return false;
  /* `list(agen())`, `next(agen())`: a project async generator handed to what iterates
   * synchronously (knowledge `iterates`): not iterable, TypeError */
  const al_func_info *gen = f->lang == AL_LANG_PYTHON && al_kb_find(al_kb_for(f->lang), "iterates", c->name)
                                ? al_index_resolve(idx, f, n) : NULL;
  if (gen && (gen->func->flags & (IR_F_ASYNC | IR_F_GENERATOR)) == (IR_F_ASYNC | IR_F_GENERATOR) &&
      !(gen->func->flags & IR_F_DECORATED)) {
    const char *label = al_call_label(f, n);
    al_report(sink, n, "`%s()` is given `%s()`, an async generator (defined at %s:%u): it is not iterable, so this "
              "raises TypeError and the generator never runs; collect it with `[x async for x in %s(...)]` "
              "(or `await anext(...)` for one item)", al_call_label(f, c), label, gen->file->src->path,
              gen->func->span.line, label);
    return true;
  }
  const al_kb_entry *taker = al_kb_find(al_kb_for(f->lang), "takes_value", c->name);
  if (!taker) taker = al_kb_match(al_kb_for(f->lang), "value_assertions", c->name);
  if (!taker) return false;
  const al_func_info *fn;
  const al_kb_entry *api;
  if (!value_awaitable(f, idx, n, &fn, &api)) return false;
  const ir_node *encl = ir_enclosing_func(n);
  bool in_async = encl && (encl->flags & IR_F_ASYNC);
  bool py = f->lang == AL_LANG_PYTHON;
  const char *note = al_kb_attr(taker, "note"); /* an assertion: `self.assertTrue(ok())` */
  if (note) {
    al_report_fix(sink, n, make_fix(f, n, encl), "%s `%s()` is passed to `%s()` without being awaited: %s, and the "
                  "%s never runs; pass its result: `await %s(...)`%s", what(f->lang), al_call_label(f, n),
                  al_call_label(f, c), note, py ? "coroutine" : "work", al_call_label(f, n),
                  in_async ? "" : " (in an async test: unittest.IsolatedAsyncioTestCase)");
    return true;
  }
  al_report_fix(sink, n, make_fix(f, n, encl), "%s `%s()` is passed to `%s%s()` without being awaited: it gets the %s, "
                "not its %s%s; await it: `%s%s(await %s(...))`%s", what(f->lang), al_call_label(f, n),
                (c->flags & IR_F_NEW) ? "new " : "", al_call_label(f, c), py ? "coroutine object" : "promise",
                py ? "result" : "value",
                py ? " (TypeError), and the coroutine never runs" : " (a wrong answer, or a TypeError), and a rejection "
                                                                    "is unhandled",
                (c->flags & IR_F_NEW) ? "new " : "", al_call_label(f, c), al_call_label(f, n),
                in_async ? "" : " inside an async function");
  return true;
}

/* JS: a promise handed to Jest's or Vitest's `expect()` and checked with a matcher on its
 * value (knowledge `expect_makers`: `matchers`, and `literal_matchers` that count only
 * against a literal — `expect(cache.get(k)).toBe(first)` may compare two promises on
 * purpose): `expect(isAdmin(0)).toBeTruthy()` passes whatever the result, `.toBe(false)`
 * fails against the promise. `.resolves` / `.rejects` are the way to assert on one. */
static bool expect_value(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  const ir_node *c = n->parent, *m = c ? c->parent : NULL;
  if (f->lang != AL_LANG_JS || !c || c->kind != IR_CALL || !c->name || !m || m->kind != IR_CALL || !m->name ||
      c->child != n || m->child != c)
    return false;
  const al_kb_entry *e = al_ends_with(c->name, "expect") ? al_kb_find(al_kb_for(f->lang), "expect_makers", c->name)
                                                        : NULL; /* (every entry's name ends so) */
  if (!e || al_index_resolve(idx, f, c)) return false;
  /* the matcher straight after `expect(x)`, or after `.not` (not `.resolves.toBe`) */
  const char *t = f->src->text, *end = t + m->span.end;
  const char *p = t + c->span.end;
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++;
  if (p + 5 <= end && !strncmp(p, ".not.", 5)) p += 4;
  if (p >= end || *p != '.') return false;
  p++;
  char matcher[64];
  size_t ml = 0;
  while (p + ml < end && ml + 1 < sizeof matcher && al_ident_char(p[ml])) matcher[ml] = p[ml], ml++;
  matcher[ml] = 0;
  if (!ml) return false;
  const char *any = al_kb_attr(e, "matchers"), *lit = al_kb_attr(e, "literal_matchers");
  bool literal_only = lit && al_text_mentions(lit, matcher);
  if (!literal_only && !(any && al_text_mentions(any, matcher))) return false;
  if (literal_only && !(m->nargs && (m->args[0].flags & (IR_ARG_LITERAL | IR_ARG_NULL)))) return false;
  const al_func_info *fn;
  const al_kb_entry *api;
  if (!value_awaitable(f, idx, n, &fn, &api)) return false;
  const ir_node *encl = ir_enclosing_func(n);
  bool in_async = encl && (encl->flags & IR_F_ASYNC);
  al_report_fix(sink, n, await_first_fix(n, in_async, false),
                "promise `%s()` is handed to `%s()` unawaited and checked with `.%.*s()`: the matcher sees the "
                "promise, not its value (a promise is always truthy, never equal to a value), and a rejection is "
                "unhandled; await it — `expect(await %s(...))` — or assert with `await expect(...).resolves`",
                al_call_label(f, n), al_call_label(f, c), (int)ml, matcher, al_call_label(f, n));
  return true;
}

/* A coroutine or promise as an operand of a comparison or arithmetic operator
 * (`count() > 10`, `load() === undefined`, `total() * 2`): the operator gets the
 * awaitable object — never equal, NaN, or TypeError — and the work is never awaited.
 * Fix (safe in an async function): `(await count()) > 10`. Returns whether it reported. */
static bool operand_unawaited(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  const al_func_info *fn;
  const al_kb_entry *api;
  if (!value_awaitable(f, idx, n, &fn, &api)) return false;
  const ir_node *encl = ir_enclosing_func(n);
  bool in_async = encl && (encl->flags & IR_F_ASYNC), py = f->lang == AL_LANG_PYTHON;
  al_fix *fx = await_first_fix(n, in_async, true);
  const char *label = al_call_label(f, n);
  al_report_fix(sink, n, fx, "%s returned by `%s()` is compared or computed with, without being awaited: the "
                "operator gets the %s, not its %s (%s), and %s; await it first: `(await %s(...))`%s", what(f->lang),
                label, py ? "coroutine object" : "promise", py ? "result" : "value",
                py ? "never equal, or TypeError" : "never equal, NaN, or a string of `[object Promise]`",
                py ? "the coroutine never runs" : "a rejection is unhandled", label,
                in_async ? "" : " inside an async function");
  return true;
}

/* A coroutine or promise used as if it were its result: a member or element read off
 * it (`fetch()["id"]`, `load().items`, `rows().forEach(f)`), or destructured (`const { x }
 * = load()`). Python raises (AttributeError/TypeError) and the coroutine never runs; JS
 * reads undefined (or throws) and a rejection is unhandled. Not a member the awaitable
 * has of its own (knowledge `awaitable_own_members`: then/catch/finally, a coroutine's
 * close/send), nor a chainable API (knowledge `chainable`: Prisma's fluent
 * `findUnique(...).posts()`), nor Python tasks and futures. Fix (safe in an async
 * function): `(await fetch())["id"]`. Returns whether it reported. */
static bool accessed_unawaited(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  const al_func_info *fn;
  const al_kb_entry *api;
  if (!value_awaitable(f, idx, n, &fn, &api) || (!fn && api && al_kb_attr(api, "chainable"))) return false;
  /* it may return something else (`@async_generator`); a property getter's decorator does not */
  if (fn && (fn->func->flags & IR_F_DECORATED) && !(fn->func->flags & IR_F_PROPERTY)) return false;
  char mb[64];
  const char *member = al_accessed_member(f, n, mb, sizeof mb);
  if (al_own_member(f, member)) return false;
  const ir_node *encl = ir_enclosing_func(n);
  bool in_async = encl && (encl->flags & IR_F_ASYNC);
  bool assertion = f->lang == AL_LANG_JS && *member && al_kb_find(al_kb_for(f->lang), "assertion_members", member);
  al_fix *fx = assertion ? NULL : await_first_fix(n, in_async, *member != 0); /* (not for an assertion) */
  const char *label = al_call_label(f, n);
  char what[80];
  if (!*member) snprintf(what, sizeof what, "destructuring it");
  else if (!strcmp(member, "[]")) snprintf(what, sizeof what, "`[...]` on it");
  else snprintf(what, sizeof what, "`.%s` on it", member);
  if (assertion) {
    /* the chain around it awaited, returned or kept: `await p.should.eventually.equal(v)` */
    const ir_node *up = n->parent;
    bool dropped = up && up->kind == IR_CALL
                       ? up->use == IR_USE_DISCARDED
                       : !(up && (up->kind == IR_RETURN || up->kind == IR_AWAIT || up->kind == IR_ASSIGN));
    if (!dropped) return true;
    al_report(sink, n, "promise returned by `%s()` is asserted on through `.%s` (chai-as-promised) and nothing awaits "
              "the assertion, itself a promise: the test ends before it settles, so it passes whatever the value "
              "is; await or return the whole chain (`await %s().%s.eventually...`)", label, member, label, member);
    return true;
  }
  if (f->lang == AL_LANG_PYTHON)
    al_report_fix(sink, n, fx, "coroutine %s `%s%s` is used as its result without being awaited: %s reads "
                  "the coroutine object (AttributeError/TypeError), and the coroutine never runs; await it first: "
                  "`(await %s%s)`%s", (n->flags & IR_F_PROPERTY) ? "read as" : "returned by", label, al_call_parens(n),
                  what, label, (n->flags & IR_F_PROPERTY) ? "" : "(...)", in_async ? "" : " inside an async function");
  else
    al_report_fix(sink, n, fx, "promise returned by `%s%s()` is used as its value without being awaited: %s reads "
                  "the promise (undefined, or a TypeError), not the value, and a rejection is unhandled; await it "
                  "first: `(await %s(...))`%s", (n->flags & IR_F_NEW) ? "new " : "", label, what, label,
                  in_async ? "" : " inside an async function");
  return true;
}

/* JS: a `.map()` whose callback makes a promise (async, or an arrow returning one). */
static bool maps_to_promises(const ir_file *f, const al_index *idx, const ir_node *call) {
  const al_func_info *callee;
  const al_kb_entry *api;
  for (const ir_node *c = call->child; c; c = c->next) {
    if (c->kind != IR_FUNC || !(c->flags & IR_F_LAMBDA)) continue;
    if (c->flags & IR_F_ASYNC) return true;
    for (const ir_node *r = c->child; r; r = r->next) {
      const ir_node *x = r->kind == IR_RETURN ? r->child : r;
      if (x && x->kind == IR_CALL && x->use == IR_USE_RETURNED && al_index_call_awaitable(idx, f, x, &callee, &api))
        return true;
    }
    return false;
  }
  for (uint32_t i = 0; i < call->nargs; i++)
    if (call->args[i].text && !(call->args[i].flags & (IR_ARG_LAMBDA | IR_ARG_LITERAL | IR_ARG_NULL)) &&
        al_arg_async_fn(f, idx, call, call->args[i].text))
      return true;
  return false;
}

/* Python: `map(work, xs)` of an async function dropped as a statement, or materialised
 * and dropped (`list(map(work, xs))`): a coroutine per item, none awaited — a lazy map
 * does not even call work. */
static bool dropped_map(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  const al_func_info *fn = NULL;
  const ir_node *m = al_py_async_map(f, idx, n, &fn);
  if (!m) return false;
  bool lazy = m == n;
  if (lazy)
    al_report(sink, n, "`map(%s, ...)` is dropped: map is lazy, so `%s` is never even called (it is an async "
              "function, defined at %s:%u); await asyncio.gather(*map(%s, ...)), or loop and await each",
              m->args[0].text, m->args[0].text, fn->file->src->path, fn->func->span.line, m->args[0].text);
  else
    al_report(sink, n, "the coroutines made by `%s(map(%s, ...))` are dropped: `%s` is an async function (defined at "
              "%s:%u), so each item is a coroutine that never runs; await asyncio.gather(*map(%s, ...))",
              n->name, m->args[0].text, m->args[0].text, fn->file->src->path, fn->func->span.line, m->args[0].text);
  return true;
}

/* `await save` / `await asyncio.sleep`: the async function itself awaited, not a call
 * of it (no local or parameter of that name in the way). Python: TypeError; JS: the
 * await returns the function at once, and it never runs. */
static void awaited_function(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *aw, uint32_t at) {
  const char *t = f->src->text;
  if (aw->child) return;
  uint32_t e = at;
  while (e < aw->span.end && (al_ident_char(t[e]) || t[e] == '.')) e++;
  if (e != aw->span.end || e == at || t[e - 1] == '.') return;
  char name[128];
  if (e - at >= sizeof name) return;
  memcpy(name, t + at, e - at);
  name[e - at] = 0;
  const ir_node *fn = ir_enclosing_func(aw);
  size_t head = strcspn(name, ".");
  if (fn && ir_has_param(fn, name, head)) return;
  /* a local of that name: assigned, or bound by a loop, `with ... as`, `except ... as`
   * (`for f in asyncio.as_completed(fs): await f` beside a function `f`) */
  const ir_node *scope = fn ? fn : f->root;
  if (ir_binds_local(f, scope, name, strlen(name), UINT32_MAX)) return;
  char head_name[128];
  memcpy(head_name, name, head);
  head_name[head] = 0;
  /* a comprehension's variable: `[await f for f in fs]` */
  char bind[140];
  snprintf(bind, sizeof bind, f->lang == AL_LANG_PYTHON ? "for %s in" : "const %s of", head_name);
  if (memmem(f->src->text + scope->span.start, scope->span.end - scope->span.start, bind, strlen(bind))) return;
  const al_func_info *target = al_arg_async_fn(f, idx, aw, name);
  const al_kb_entry *api = target ? NULL : al_kb_find(al_kb_for(f->lang), "awaitable", name);
  if (!target && !api) return;
  /* the fix calls it without arguments: only for a project function that takes none
   * (`asyncio.sleep()` would raise TypeError in turn) */
  const ir_node *tf = target ? target->func : NULL;
  bool no_params = tf && (tf->nargs == 0 || (tf->nargs == 1 && (tf->flags & IR_F_METHOD) && tf->args[0].text &&
                                             (!strcmp(tf->args[0].text, "self") || !strcmp(tf->args[0].text, "cls"))));
  al_fix *fx = NULL;
  if (no_params) {
    fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "call it");
    al_fix_add(fx, e, e, "()");
  }
  if (f->lang == AL_LANG_JS)
    al_report_fix(sink, aw, fx, "`await %s` awaits the function itself, not a call of it: a function is not a "
                  "promise, so the await returns it at once and `%s` never runs; call it (`await %s(...)`)", name,
                  name, name);
  else
    al_report_fix(sink, aw, fx, "`await %s` awaits the function itself, not a call of it: a function is not "
                  "awaitable — TypeError, and `%s` never runs; call it (`await %s(...)`)", name, name, name);
}

/* The kind of literal t[at, end) is, whole ("a number", "a string" ...), or NULL: what
 * `await 5`, `await "done"`, `await None` await. */
static const char *literal_kind(const char *t, uint32_t at, uint32_t end, bool js) {
  while (end > at && strchr(" \t\r\n", t[end - 1])) end--;
  if (end <= at) return NULL;
  size_t n = end - at;
  /* not JavaScript's `await null` / `await undefined`: the usual way to yield a tick on
   * purpose, and nothing can be meant by it but that */
  static const struct {
    const char *word, *kind;
    bool js;
  } words[] = {{"true", "a boolean", true}, {"false", "a boolean", true}, {"True", "a bool", false},
               {"False", "a bool", false},  {"None", "None", false}};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (words[i].js == js && strlen(words[i].word) == n && !strncmp(t + at, words[i].word, n)) return words[i].kind;
  char c = t[at];
  if (isdigit((unsigned char)c) || (c == '.' && n > 1 && isdigit((unsigned char)t[at + 1]))) {
    for (uint32_t i = at; i < end; i++)
      if (!al_ident_char(t[i]) && t[i] != '.') return NULL; /* `1 + x`, `0 .toString()` */
    return "a number";
  }
  /* a string: one quoted token from `at` to the end (Python prefixes r/b/f/u before it) */
  uint32_t q = at;
  while (!js && q < end && q - at < 2 && strchr("rRbBfFuU", t[q])) q++;
  char quote = t[q];
  if (quote != '"' && quote != '\'' && !(js && quote == '`')) return NULL;
  if (t[end - 1] != quote || end - q < 2) return NULL;
  bool triple = !js && end - q >= 6 && t[q + 1] == quote && t[q + 2] == quote;
  uint32_t close = end - (triple ? 3 : 1);
  for (uint32_t i = q + (triple ? 3 : 1); i < close; i++) {
    if (t[i] == '\\') i++;
    else if (t[i] == quote && !triple) return NULL; /* `"a" + "b"` */
  }
  return "a string";
}

/* JS: past the string, template or bracketed group opening at t[i] (t[e]: the end). */
static uint32_t js_skip_group(const char *t, uint32_t i, uint32_t e) {
  char open = t[i];
  if (open == '"' || open == '\'' || open == '`') {
    for (i++; i < e && t[i] != open; i++)
      if (t[i] == '\\') i++;
    return i < e ? i + 1 : e;
  }
  int depth = 0;
  for (; i < e; i++) {
    char ch = t[i];
    if (ch == '"' || ch == '\'' || ch == '`') {
      i = js_skip_group(t, i, e) - 1;
      continue;
    }
    depth += ch == '(' || ch == '[' || ch == '{';
    depth -= ch == ')' || ch == ']' || ch == '}';
    if (!depth) return i + 1;
  }
  return e;
}

/* JS: the kind of plain value t[at, end) always makes, whatever its operands are, or
 * NULL: a literal (not null/undefined), both branches of `c ? a : b` such values, a
 * unary `!` / `typeof` / `-` / `+` / `~`, or a binary arithmetic, comparison,
 * `instanceof` or `in` at the top level (not `&&`, `||`, `??`, which pass an operand on). */
static const char *js_plain_kind(const char *t, uint32_t at, uint32_t end, int depth) {
  while (at < end && strchr(" \t\r\n", t[at])) at++;
  while (end > at && strchr(" \t\r\n", t[end - 1])) end--;
  if (end <= at || depth > 8) return NULL;
  if (t[at] == '(' && js_skip_group(t, at, end) == end) return js_plain_kind(t, at + 1, end - 1, depth + 1);
  const char *lit = literal_kind(t, at, end, true);
  if (lit) return lit;
  if (t[at] == '<' || (end - at > 4 && !strncmp(t + at, "new", 3) && !al_ident_char(t[at + 3]))) return NULL;
  uint32_t question = 0, colon = 0, nested = 0;
  bool logical = false, compare = false, arith = false, plus = false;
  for (uint32_t i = at; i < end; i++) {
    char ch = t[i], nx = i + 1 < end ? t[i + 1] : 0;
    if (strchr("\"'`([{", ch)) {
      i = js_skip_group(t, i, end) - 1;
      continue;
    }
    if (ch == '/' && (nx == '/' || nx == '*')) return NULL; /* a comment: not worth reading */
    if (ch == '=' && nx == '>') return NULL;                 /* an arrow function */
    if (ch == ',') return NULL;
    if (ch == '?') {
      if (nx == '.' && !(i + 2 < end && isdigit((unsigned char)t[i + 2]))) { i++; continue; } /* `a?.b` */
      if (nx == '?') { logical = true; i++; continue; }
      if (!question) question = i;
      else nested++;
      continue;
    }
    if (ch == ':' && question) {
      if (nested) nested--;
      else if (!colon) colon = i;
      continue;
    }
    if ((ch == '&' && nx == '&') || (ch == '|' && nx == '|')) { logical = true; i++; continue; }
    if (ch == '<' && nx != '=' && nx != '<') { /* TypeScript's `load<User>(id)`, `new Box<T>()` */
      uint32_t j = i + 1;
      int angle = 1;
      while (j < end && angle) {
        if (strchr("\"'`([{", t[j])) {
          j = js_skip_group(t, j, end);
          continue;
        }
        if (t[j] == '=' && j + 1 < end && t[j + 1] == '>') { /* `<(x: T) => void>` */
          j += 2;
          continue;
        }
        angle += t[j] == '<';
        angle -= t[j] == '>';
        j++;
      }
      while (!angle && j < end && t[j] == ' ') j++;
      if (!angle && (j >= end || t[j] == '(' || t[j] == '`')) {
        i = j - 1;
        continue;
      }
    }
    if (ch == '=' || ch == '!' || ch == '<' || ch == '>') {
      bool eq = nx == '=';
      if (ch == '=' && !eq && i > at && !strchr("=!<>", t[i - 1])) return NULL; /* an assignment */
      if (i > at || ch != '!') compare = compare || ch != '!' || eq;
      continue;
    }
    if (strchr("*/%&|^", ch) && i > at) arith = true;
    if ((ch == '-' || ch == '+') && i > at) {
      if (nx == ch) return NULL; /* `x++`, `--x`: an update, and `a - -b` is left alone */
      if (ch == '+') plus = true; else arith = true;
    }
    if (al_ident_char(ch)) {
      uint32_t s = i;
      while (i < end && (al_ident_char(t[i]) || t[i] == '$')) i++;
      size_t n = i - s;
      if ((s == 0 || t[s - 1] != '.') && s > at &&
          ((n == 10 && !strncmp(t + s, "instanceof", 10)) || (n == 2 && !strncmp(t + s, "in", 2))))
        compare = true;
      i--;
    }
  }
  if (question && colon) { /* `a && b ? x : y` too: only the branches matter */
    const char *a = js_plain_kind(t, question + 1, colon, depth + 1), *b = a ? js_plain_kind(t, colon + 1, end, depth + 1) : NULL;
    return a && b ? (strcmp(a, b) ? "a plain value" : a) : NULL;
  }
  if (question || logical) return NULL;
  if (compare) return "a boolean";
  if (arith) return "a number";
  if (plus) return "a number or string";
  if (t[at] == '!') return "a boolean";
  if (t[at] == '-' || t[at] == '+' || t[at] == '~') return "a number";
  if (end - at > 7 && !strncmp(t + at, "typeof", 6) && !al_ident_char(t[at + 6])) return "a string";
  return NULL;
}

/* `await 5`, `await "ok"`, `await True`: a literal is no promise (JavaScript: the await
 * only defers to a microtask and returns it — typescript-eslint await-thenable) and not
 * awaitable (Python: TypeError). */
static bool awaited_literal(const ir_file *f, al_sink *sink, const ir_node *aw, uint32_t at) {
  bool js = f->lang == AL_LANG_JS;
  const char *kind = js ? js_plain_kind(f->src->text, at, aw->span.end, 0)
                        : aw->child ? NULL : literal_kind(f->src->text, at, aw->span.end, js);
  if (!kind) return false;
  al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "drop the await");
  al_fix_add(fx, aw->span.start, at, "");
  if (js)
    al_report_fix(sink, aw, fx, "`await` of %s: it is not a promise, so the await only defers to the next "
                  "microtask and returns it unchanged; drop the await (to yield on purpose, `await "
                  "Promise.resolve()` says so)", kind);
  else
    al_report_fix(sink, aw, fx, "`await` of %s: it is not awaitable — TypeError when this line runs; drop the "
                  "await (to yield to the loop, `await asyncio.sleep(0)`)", kind);
  return true;
}

/* JS `await new C()` of a class of this file that makes no thenable: neither it nor a base
 * defines `then`, and its bases are classes of this file or built-ins the knowledge names
 * (`not_thenable_classes`: `class NonPromise extends Array {}`) — the await only defers
 * (typescript-eslint await-thenable). */
static bool awaited_new_plain(const ir_file *f, al_sink *sink, const ir_node *aw, uint32_t at) {
  const ir_node *n = aw->child;
  if (f->lang != AL_LANG_JS || !n || n->next || n->kind != IR_CALL || !(n->flags & IR_F_NEW) || n->module ||
      !n->name || n->span.start != at)
    return false;
  const char *name = n->name;
  const ir_node *made = NULL;
  for (int depth = 0; depth < 8; depth++) {
    const ir_node *cls = NULL;
    for (ir_node *const *c = ir_of_kind(f, IR_CLASS); *c && !cls; c++)
      if ((*c)->name && !strcmp((*c)->name, name)) cls = *c;
    if (!cls) {
      if (!made || !al_kb_find(al_kb_for(f->lang), "not_thenable_classes", name)) return false;
      break;
    }
    if (!made) made = cls;
    size_t nl = strlen(cls->name);
    for (const ir_node *m = cls->child; m; m = m->next)
      if (m->kind == IR_FUNC && m->name && !strncmp(m->name, cls->name, nl) && !strcmp(m->name + nl, ".then"))
        return false;
    if (!(cls->flags & IR_F_DERIVED)) break;
    if (!cls->nargs || !cls->args[0].text || cls->args[0].keyword) return false; /* an imported base */
    name = cls->args[0].text;
    if (depth == 7) return false;
  }
  al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "drop the await");
  al_fix_add(fx, aw->span.start, at, "");
  al_report_fix(sink, aw, fx, "`await new %s()`: `%s` (line %u) makes objects without a `then` method, not promises, so "
                "the await only defers to the next microtask and returns the object; drop the await", n->name, n->name,
                made->span.line);
  return true;
}

/* How many ASSIGNs of name scope g holds itself (not its nested functions; the module:
 * its top-level statements), up to 2; *only: the last. Big scopes are looked up in the
 * file's bindings table rather than walked, once per name asked. */
static int own_assigns(const ir_file *f, const ir_node *g, const char *name, size_t len, const ir_node **only) {
  int count = 0;
  if (g->span.end - g->span.start <= IR_SCAN_BYTES) {
    for (const ir_node *c = g->child; c && count < 2;
         c = g == f->root ? c->next : c->kind == IR_FUNC ? ir_next_skip(c, g) : ir_next(c, g))
      if (c->kind == IR_ASSIGN && c->name && strlen(c->name) == len && !strncmp(c->name, name, len)) count++, *only = c;
    return count;
  }
  size_t nb;
  const ir_binding *b = ir_bindings_of(f, name, len, &nb);
  for (size_t i = 0; i < nb && count < 2; i++)
    if (b[i].n->kind == IR_ASSIGN && (g == f->root ? b[i].n->parent == f->root : b[i].n->func == g))
      count++, *only = b[i].n;
  return count;
}

/* JS `await n` of a name that never holds a promise: a parameter or variable TypeScript
 * declares a plain type (`n: number`, `declare const ids: string[]`), or a `const` the
 * function (or the module) binds once to a number or string literal. Its declaration, or NULL. */
static const ir_node *plain_name_decl(const ir_file *f, const ir_node *aw, const char *name, size_t len, bool *param) {
  *param = false;
  const ir_node *only = NULL;
  for (const ir_node *g = ir_enclosing_func(aw); g; g = ir_enclosing_func(g)) {
    for (uint32_t i = 0; i < g->nargs; i++)
      if (g->args[i].text && strlen(g->args[i].text) == len && !strncmp(g->args[i].text, name, len)) {
        *param = true;
        return g->args[i].flags & IR_ARG_PLAIN ? g : NULL;
      }
    int count = own_assigns(f, g, name, len, &only);
    if (count || ir_binds_local(f, g, name, len, UINT32_MAX))
      return count == 1 && only->span.start < aw->span.start ? only : NULL;
  }
  return own_assigns(f, f->root, name, len, &only) == 1 ? only : NULL;
}

static uint32_t value_start(const char *t, const ir_node *a);

static bool awaited_plain_name(const ir_file *f, al_sink *sink, const ir_node *aw, uint32_t at) {
  if (f->lang != AL_LANG_JS || aw->child) return false;
  const char *t = f->src->text;
  uint32_t e = aw->span.end, s = at;
  while (e > s && strchr(" \t\r\n", t[e - 1])) e--;
  while (s < e && t[s] == '(' && t[e - 1] == ')') s++, e--;
  if (s >= e || e - s > 64 || isdigit((unsigned char)t[s])) return false;
  for (uint32_t i = s; i < e; i++)
    if (!al_ident_char(t[i]) && t[i] != '$') return false;
  char name[65];
  memcpy(name, t + s, e - s);
  name[e - s] = 0;
  if (!strcmp(name, "undefined") || !strcmp(name, "null") || !strcmp(name, "this")) return false;
  bool param;
  const ir_node *d = plain_name_decl(f, aw, name, e - s, &param);
  if (!d) return false;
  const char *what;
  if (param) what = "a parameter declared with a type that is never a promise";
  else if (d->flags & IR_F_PLAIN_TYPED) what = "declared with a type that is never a promise";
  else if (js_declared_by(f, d) == 'c' && (d->flags & IR_F_LITERAL) && d->text &&
           (isdigit((unsigned char)d->text[0]) || strchr("\"'", d->text[0])))
    what = d->text[0] == '"' || d->text[0] == '\'' ? "a constant string" : "a constant number";
  else if (js_declared_by(f, d) == 'c' && d->child && d->child->kind == IR_FUNC && !d->child->next &&
           value_start(t, d) == d->child->span.start) {
    /* `const load = async () => ...; await load`: the function, not a call of it */
    al_report(sink, aw, "`await %s` awaits the function itself, not a call of it: `%s` is a constant holding a%s "
              "function (line %u), which is not a promise, so the await returns it at once and it never runs; "
              "call it (`await %s(...)`)", name, name, (d->child->flags & IR_F_ASYNC) ? "n async" : "",
              d->span.line, name);
    return true;
  } else
    return false;
  al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "drop the await");
  al_fix_add(fx, aw->span.start, at, "");
  al_report_fix(sink, aw, fx, "`await %s`: `%s` is %s (line %u), so the await only defers to the next microtask and "
                "returns it unchanged; drop the await", name, name, what, d->span.line);
  return true;
}

/* JS `for await (const v of [1, 2, 3])`, or of a name declared an array of plain values
 * (`ids: string[]`): nothing there is a promise, so `for await` only adds a microtask per
 * item (typescript-eslint await-thenable). */
static void for_await_plain(const ir_file *f, al_sink *sink, const ir_node *loop) {
  if (f->lang != AL_LANG_JS || !(loop->flags & IR_F_ASYNC) || (loop->flags & IR_F_WHILE) || !loop->body || !loop->name)
    return;
  const char *t = f->src->text;
  uint32_t open = loop->span.start, end = loop->body;
  while (open < end && t[open] != '(') open++;
  uint32_t of = UINT32_MAX;
  for (uint32_t i = open; i + 4 < end; i++)
    if (!memcmp(t + i, " of ", 4) || !memcmp(t + i, " of[", 4) || !memcmp(t + i, " of(", 4)) {
      of = i + 3;
      break;
    }
  uint32_t close = end;
  while (close > of && t[close - 1] != ')') close--;
  if (of == UINT32_MAX || close <= of + 1) return;
  uint32_t s = of, e = close - 1;
  while (s < e && strchr(" \t\r\n", t[s])) s++;
  while (e > s && strchr(" \t\r\n", t[e - 1])) e--;
  if (s >= e) return;
  const char *what = NULL;
  if (t[s] == '[' && js_skip_group(t, s, e) == e) {
    uint32_t from = s + 1, items = 0;
    for (uint32_t i = from; i < e; i++) {
      bool last = i == e - 1;
      if (!last && strchr("\"'`([{", t[i])) {
        i = js_skip_group(t, i, e - 1) - 1;
        continue;
      }
      if (t[i] != ',' && !last) continue;
      uint32_t a = from, b = i;
      while (a < b && strchr(" \t\r\n", t[a])) a++;
      if (a < b || !last) {
        if (!js_plain_kind(t, a, b, 0)) return;
        items++;
      }
      from = i + 1;
    }
    if (!items) return;
    what = "an array of plain values";
  } else {
    if (e - s > 64) return;
    for (uint32_t i = s; i < e; i++)
      if (!al_ident_char(t[i]) && t[i] != '$') return;
    bool param;
    const ir_node *d = plain_name_decl(f, loop, t + s, e - s, &param);
    if (!d || !(param || (d->flags & IR_F_PLAIN_TYPED))) return;
    what = "declared with a type that holds no promise";
  }
  uint32_t aw = open; /* `for await (`: the `await` before the parenthesis */
  while (aw > loop->span.start && (aw + 5 > open || memcmp(t + aw, "await", 5))) aw--;
  al_fix *fx = NULL;
  if (aw + 5 <= open && !memcmp(t + aw, "await", 5)) {
    uint32_t past = aw + 5;
    while (past < open && (t[past] == ' ' || t[past] == '\t')) past++;
    fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "use for...of");
    al_fix_add(fx, aw, past, "");
  }
  al_report_fix(sink, loop, fx, "`for await` over `%.*s`, %s: nothing in it is a promise, so the `await` only adds a "
                "microtask per item; use `for...of`", (int)(e - s > 40 ? 40 : e - s), t + s, what);
}

/* JavaScript: `await (async () => { ... })` with the call's `()` left off: the function
 * itself is awaited (returned at once), and its body never runs. */
static bool awaited_lambda(const ir_file *f, al_sink *sink, const ir_node *aw, uint32_t at) {
  const ir_node *fn = aw->child;
  if (f->lang != AL_LANG_JS || !fn || fn->kind != IR_FUNC || !(fn->flags & IR_F_LAMBDA) || fn->next) return false;
  const char *t = f->src->text;
  uint32_t s = at, e = aw->span.end;
  while (e > s && strchr(" \t\r\n", t[e - 1])) e--;
  while (s < fn->span.start && t[s] == '(' && t[e - 1] == ')') { /* `(async () => {...})` */
    s++, e--;
    while (s < e && strchr(" \t\r\n", t[s])) s++;
    while (e > s && strchr(" \t\r\n", t[e - 1])) e--;
  }
  if (fn->span.start != s || fn->span.end != e) return false;
  al_fix *fx = NULL; /* parenthesized, `()` after it calls it */
  if (t[aw->span.end - 1] == ')') {
    fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "call it");
    al_fix_add(fx, aw->span.end, aw->span.end, "()");
  }
  al_report_fix(sink, aw, fx, "`await` of a function expression that is never called: a function is not a promise, "
                "so the await returns the function at once and its body never runs; call it (`await (async () "
                "=> { ... })()`)");
  return true;
}

/* The bindings that could hold an array of promises — a value starting with `[`, or a
 * `.map()`/`.flatMap()` call — found in one pass per file (per thread, keyed by the
 * lowering's serial; kept in the file's arena), with how often their function binds
 * the name: looking each `await name` up in them keeps long functions linear. */
typedef struct held_cand {
  const ir_node *assign, *fn;
  uint32_t value; /* where the value starts */
  int count;      /* bindings of the name in fn */
} held_cand;

#define HELD_CANDS_MAX 256

static _Thread_local struct {
  uint64_t file;
  held_cand *c;
  size_t n;
} held_memo;

static uint32_t value_start(const char *t, const ir_node *a) {
  uint32_t v = a->span.start; /* after the `=` (past a type annotation) */
  while (v < a->span.end && (t[v] != '=' || t[v + 1] == '>')) v++;
  for (v++; v < a->span.end && (t[v] == ' ' || t[v] == '\t' || t[v] == '\n' || t[v] == '\r');) v++;
  return v;
}

static void held_candidates(const ir_file *f) {
  if (held_memo.file == f->serial) return;
  const char *t = f->src->text;
  held_cand *c = al_arena_alloc((al_arena *)&f->arena, HELD_CANDS_MAX * sizeof *c);
  size_t n = 0;
  for (ir_node *const *a_at = ir_of_kind(f, IR_ASSIGN); *a_at && n < HELD_CANDS_MAX; a_at++) {
    const ir_node *a = *a_at;
    if (!a->name) continue;
    uint32_t v = value_start(t, a);
    if (v >= a->span.end) continue;
    bool maps = false;
    for (const ir_node *k = a->child; k && !maps; k = k->next)
      maps = k->kind == IR_CALL && k->span.start == v && k->name &&
             al_js_array_map(k);
    if (t[v] == '[' || maps) c[n++] = (held_cand){a, ir_enclosing_func(a), v, 0};
  }
  for (ir_node *const *a_at = ir_of_kind(f, IR_ASSIGN); *a_at && n; a_at++) {
    const ir_node *a = *a_at;
    if (!a->name) continue;
    for (size_t i = 0; i < n; i++)
      if (!strcmp(c[i].assign->name, a->name) && c[i].fn == ir_enclosing_func(a)) c[i].count++;
  }
  held_memo.file = f->serial;
  held_memo.c = c;
  held_memo.n = n;
}

/* `await ps` where ps is a local bound once, before, to an array of promises: a literal
 * holding an awaitable call (`const ps = [load(a), load(b)]`) or a map to promises (`const
 * ps = ids.map(async (id) => ...)`); in Python a list (or list comprehension) of
 * coroutines or tasks (`coros = [fetch(u) for u in urls]`). The binding; *el: the call. */
static const ir_node *local_promise_array(const ir_file *f, const al_index *idx, const ir_node *aw, uint32_t at,
                                          const ir_node **el) {
  const char *t = f->src->text;
  uint32_t e = at;
  while (e < aw->span.end && al_ident_char(t[e])) e++;
  if (e == at || e != aw->span.end || (t[at] >= '0' && t[at] <= '9')) return NULL;
  const ir_node *fn = ir_enclosing_func(aw), *only = NULL;
  if (!fn) return NULL;
  held_candidates(f);
  uint32_t v = 0;
  for (size_t i = 0; i < held_memo.n && !only; i++) {
    const held_cand *h = &held_memo.c[i];
    if (h->fn == fn && strlen(h->assign->name) == e - at && !strncmp(h->assign->name, t + at, e - at)) {
      if (h->count != 1) return NULL;
      only = h->assign, v = h->value;
    }
  }
  if (!only || only->span.start > aw->span.start) return NULL;
  uint32_t b = only->span.start; /* JS: `const ps = ...` (not a reassignment of a parameter) */
  while (b > 0 && (t[b - 1] == ' ' || t[b - 1] == '\t' || t[b - 1] == '\n' || t[b - 1] == '\r')) b--;
  if (f->lang == AL_LANG_JS && !((b >= 5 && !memcmp(t + b - 5, "const", 5)) ||
                                 (b >= 3 && (!memcmp(t + b - 3, "let", 3) || !memcmp(t + b - 3, "var", 3)))))
    return NULL;
  if (f->lang == AL_LANG_PYTHON && ir_has_param(fn, only->name, strlen(only->name))) return NULL;
  const al_func_info *callee;
  const al_kb_entry *api;
  for (const ir_node *c = only->child; c && !*el; c = c->next) {
    if (c->kind != IR_CALL || c->use == IR_USE_AWAITED) continue;
    if (t[v] == '[' && c->span.start > v && (f->lang == AL_LANG_PYTHON ? al_is_spawn(f, c) : false)) *el = c;
    else if (t[v] == '[' && c->span.start > v && !al_is_spawn(f, c) && al_index_call_awaitable(idx, f, c, &callee, &api))
      *el = c;
    else if (al_js_array_map(c) && c->span.start == v &&
             c->span.end >= only->span.end - 1 && maps_to_promises(f, idx, c))
      *el = c;
  }
  return *el ? only : NULL;
}

/* `await` of a collection of awaitables instead of the awaitables: JS `await
 * xs.map(async ...)` / `await [a(), b()]` (an array is no thenable: the await returns it
 * at once, and nothing waits for the promises in it); Python `await [c() for ...]`
 * (a list is not awaitable: TypeError, and the coroutines never run). */
static void awaited_collection(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *aw) {
  const char *t = f->src->text;
  uint32_t at = aw->span.start;
  if (at + 5 > aw->span.end || strncmp(t + at, "await", 5)) return;
  at += 5;
  while (at < aw->span.end && (t[at] == ' ' || t[at] == '\t')) at++;
  if (at >= aw->span.end) return;
  const al_func_info *callee;
  const al_kb_entry *api;
  const ir_node *el = NULL;
  bool js = f->lang == AL_LANG_JS, literal = t[at] == '[' || t[at] == '(';
  if (!js && t[at] == '(') { /* a tuple has a comma at its top level: `await (a() or b())` is none */
    int depth = 0;
    bool comma = false;
    for (uint32_t i = at; i < aw->span.end && !comma; i++) {
      if (t[i] == '(' || t[i] == '[' || t[i] == '{') depth++;
      else if (t[i] == ')' || t[i] == ']' || t[i] == '}') depth--;
      else if (t[i] == ',' && depth == 1) comma = true;
    }
    if (!comma) return;
  }
  if (t[at] == '[' || (!js && t[at] == '(')) {
    for (const ir_node *c = aw->child; c && !el; c = c->next)
      if (c->kind == IR_CALL && c->use != IR_USE_AWAITED && !al_is_spawn(f, c) &&
          al_index_call_awaitable(idx, f, c, &callee, &api))
        el = c;
    /* `await [p1, p2]` with p1, p2 promises made before */
    for (const ir_node *c = aw->child; c && !el && js; c = c->next)
      if (c->kind == IR_USE && c->name && stored_promise(f, idx, aw, c->name)) el = c;
    /* a list of tasks is no more awaitable than one of coroutines */
    for (const ir_node *c = aw->child; c && !el && !js; c = c->next)
      if (c->kind == IR_CALL && al_is_spawn(f, c)) el = c;
  } else if (js && aw->child && aw->child->kind == IR_CALL && aw->child->use == IR_USE_AWAITED && !aw->child->next &&
             al_js_array_map(aw->child) &&
             aw->child->span.start == at && aw->child->span.end == aw->span.end && maps_to_promises(f, idx, aw->child)) {
    el = aw->child;
  }
  const ir_node *held = NULL; /* `const ps = [a(), b()]` / `xs.map(async ...)`, then `await ps` */
  if (!el && aw->child && aw->child->kind == IR_USE && !aw->child->next)
    held = local_promise_array(f, idx, aw, at, &el);
  if (!el) {
    if (!awaited_literal(f, sink, aw, at) && !awaited_lambda(f, sink, aw, at) && !awaited_new_plain(f, sink, aw, at) &&
        !awaited_plain_name(f, sink, aw, at))
      awaited_function(f, idx, sink, aw, at);
    return;
  }
  if (held && js) {
    al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "await Promise.all(...)");
    al_fix_add(fx, at, at, "Promise.all(");
    al_fix_add(fx, aw->span.end, aw->span.end, ")");
    al_report_fix(sink, aw, fx, "`await %s`: `%s` holds an array of promises (line %u), not a promise, so the await "
                  "returns it at once, the work goes on unobserved and rejections are unhandled; await "
                  "Promise.all(%s)", held->name, held->name, held->span.line, held->name);
    return;
  }
  if (held) {
    const char *alias = al_py_module_alias(f, "asyncio");
    al_fix *fx = NULL;
    if (alias) {
      fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "await asyncio.gather(*...)");
      al_fix_add(fx, at, at, al_arena_fmt(&((ir_file *)f)->arena, "%s.gather(*", alias));
      al_fix_add(fx, aw->span.end, aw->span.end, ")");
    }
    al_report_fix(sink, aw, fx, "`await %s`: `%s` holds a list of %s (line %u): a list is not awaitable — TypeError, "
                  "and %s; await asyncio.gather(*%s)", held->name, held->name,
                  al_is_spawn(f, el) ? "tasks" : "coroutines", held->span.line,
                  al_is_spawn(f, el) ? "nothing waits for the tasks" : "none of them runs", held->name);
    return;
  }
  if (js) {
    al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "await Promise.all(...)");
    al_fix_add(fx, at, at, "Promise.all(");
    al_fix_add(fx, aw->span.end, aw->span.end, ")");
    al_report_fix(sink, aw, fx, "`await` of an array of promises (%s) does not wait for them: an array is not a "
                  "promise, so the await returns it at once, the work goes on unobserved and rejections are "
                  "unhandled; await Promise.all(...) of it", literal ? "a literal" : "from `.map()`");
    return;
  }
  const char *alias = al_py_module_alias(f, "asyncio");
  al_fix *fx = NULL;
  if (alias && t[at] == '[') {
    fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "await asyncio.gather(*...)");
    al_fix_add(fx, at, at, al_arena_fmt(&((ir_file *)f)->arena, "%s.gather(*", alias));
    al_fix_add(fx, aw->span.end, aw->span.end, ")");
  }
  al_report_fix(sink, aw, fx, "`await` of a %s of %s (`%s()`): a %s is not awaitable — TypeError, and %s; await "
                "asyncio.gather(*...) of it", t[at] == '[' ? "list" : "tuple",
                al_is_spawn(f, el) ? "tasks" : "coroutines", al_call_label(f, el), t[at] == '[' ? "list" : "tuple",
                al_is_spawn(f, el) ? "nothing waits for the tasks" : "none of them runs");
}

/* `await f()` of a plain function of the project that returns no awaitable (the index's
 * AL_FN_RETURNS_PLAIN; not a method: a subclass may override it with an async one —
 * unless TypeScript declares it to return a primitive, `m(): number`, which an async
 * override would not type-check against). Python: TypeError once the call has run;
 * JavaScript: the await only defers. */
static bool awaited_plain(const ir_file *f, al_sink *sink, const ir_node *n, const al_func_info *plain) {
  if (!plain || !(plain->flags & AL_FN_RETURNS_PLAIN) ||
      ((plain->func->flags & IR_F_METHOD) && !(plain->file->lang == AL_LANG_JS && plain->func->type)) || !n->parent ||
      n->parent->kind != IR_AWAIT || n->parent->span.start >= n->span.start)
    return false;
  al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "drop the await");
  al_fix_add(fx, n->parent->span.start, n->span.start, "");
  /* a getter or property read (`await c.count`) is named as written, without parentheses */
  const char *kind = (n->flags & IR_F_PROPERTY) ? (f->lang == AL_LANG_JS ? "a getter" : "a property") : "a plain function";
  if (f->lang == AL_LANG_JS)
    al_report_fix(sink, n, fx, "`await %s%s`: `%s` (defined at %s:%u) is %s that returns %s, not a "
                  "promise, so the await only defers to the next microtask; drop the await (or make it async if it "
                  "is meant to become one)", al_call_label(f, n), al_call_parens(n), al_display_name(plain->func->name),
                  plain->file->src->path, plain->func->span.line, kind,
                  plain->func->type && !strcmp(plain->func->type, "void") ? "nothing (`void`)" : "a plain value");
  else
    al_report_fix(sink, n, fx, "`await %s%s`: `%s` (defined at %s:%u) is %s that returns %s, so "
                  "the await raises TypeError after the call has run; call it without await, or make it an async "
                  "def", al_call_label(f, n), al_call_parens(n), al_display_name(plain->func->name), plain->file->src->path,
                  plain->func->span.line, kind,
                  (plain->flags & AL_FN_RETURNS_VALUE) ? "a plain value, not an awaitable" : "None");
  return true;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  char by[200];
  ir_kinds_iter n_it = ir_kinds(f, IR_KINDS(IR_AWAIT, IR_WITH, IR_LOOP, IR_CALL, IR_ASSIGN, IR_USE, IR_RETURN));
  for (const ir_node *n; (n = ir_kinds_next(&n_it));) {
    if (n->kind == IR_AWAIT && f->lang != AL_LANG_C) {
      awaited_collection(f, idx, sink, n);
      continue;
    }
    if (n->kind == IR_WITH && f->lang == AL_LANG_PYTHON) {
      sync_with_async_cm(f, idx, sink, n);
      continue;
    }
    if (n->kind == IR_LOOP) {
      sync_for_async_gen(f, idx, sink, n);
      async_for_coroutine(f, idx, sink, n);
      sync_for_async_iterable(f, sink, n);
      for_await_plain(f, sink, n);
      continue;
    }
    if (((n->kind == IR_CALL || n->kind == IR_ASSIGN || n->kind == IR_RETURN) && f->lang == AL_LANG_PYTHON) ||
        (n->kind == IR_USE && f->lang == AL_LANG_JS))
      async_only_consumed(f, sink, n);
    if (n->kind == IR_RETURN) continue;
    if (n->kind == IR_CALL && n->use == IR_USE_CONDITION) {
      truth_tested(f, idx, sink, n);
      continue;
    }
    if (n->kind == IR_USE && n->use == IR_USE_CONDITION && f->lang != AL_LANG_C) {
      stored_truth_tested(f, idx, sink, n);
      continue;
    }
    if (n->kind == IR_CALL && n->nargs && f->lang == AL_LANG_PYTHON) {
      coroutine_for_function(f, idx, sink, n);
      function_for_coroutine(f, idx, sink, n);
    }
    if (n->kind == IR_CALL && n->use == IR_USE_AWAITED && f->lang != AL_LANG_C && n->name &&
        awaited_async_gen(f, idx, sink, n))
      continue;
    if (n->kind == IR_CALL && n->use == IR_USE_AWAITED && f->lang == AL_LANG_PYTHON && n->name) {
      const al_func_info *plain = al_index_resolve(idx, f, n);
      if (awaited_plain(f, sink, n, plain)) continue;
      /* (a project function of that name is the one called: `print` defined in the module) */
      const al_kb_entry *na = plain ? NULL : al_kb_find(al_kb_for(f->lang), "not_awaitable", n->name);
      if (na && n->parent && n->parent->kind == IR_AWAIT && n->parent->span.start < n->span.start) {
        const char *use = al_kb_attr(na, "use");
        al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "drop the await");
        al_fix_add(fx, n->parent->span.start, n->span.start, "");
        al_report_fix(sink, n, fx, "`await %s()`: `%s` is a plain function that returns no awaitable, so the await "
                      "raises TypeError (after the call has run); use %s", al_call_label(f, n), n->name,
                      use ? use : "the call without await");
      }
      continue;
    }
    if (n->kind == IR_CALL && n->use == IR_USE_AWAITED && f->lang == AL_LANG_JS && n->name) {
      const al_func_info *plain = al_index_resolve(idx, f, n);
      if (awaited_plain(f, sink, n, plain)) continue;
      const al_kb_entry *nt = plain ? NULL : al_kb_find(al_kb_for(f->lang), "not_thenable", n->name);
      if (nt) {
        const char *use = al_kb_attr(nt, "use");
        al_report(sink, n, "`await %s()` does not wait: the global %s does not return a promise, so the code "
                  "goes on at once; use %s", n->name, n->name, use ? use : "a promise");
      }
      continue;
    }
    if (n->kind == IR_CALL && (n->use == IR_USE_FORMATTED || n->use == IR_USE_PASSED) && f->lang != AL_LANG_C &&
        formatted_unawaited(f, idx, sink, n))
      continue;
    if (n->kind == IR_CALL && n->use == IR_USE_ACCESSED && f->lang != AL_LANG_C && accessed_unawaited(f, idx, sink, n))
      continue;
    if (n->kind == IR_CALL && n->use == IR_USE_PASSED && f->lang != AL_LANG_C && value_taken(f, idx, sink, n)) continue;
    if (n->kind == IR_CALL && n->use == IR_USE_PASSED && f->lang == AL_LANG_JS && expect_value(f, idx, sink, n))
      continue;
    if (n->kind == IR_CALL && n->use == IR_USE_OTHER && f->lang == AL_LANG_PYTHON && py_in_async_gen(f, idx, sink, n))
      continue;
    if (n->kind == IR_CALL && n->use == IR_USE_OPERAND && f->lang != AL_LANG_C && operand_unawaited(f, idx, sink, n))
      continue;
    if (n->kind == IR_USE && n->use == IR_USE_PASSED && f->lang == AL_LANG_JS) {
      stored_spread(f, idx, sink, n);
      continue;
    }
    if (n->kind == IR_CALL && n->use == IR_USE_PASSED && f->lang == AL_LANG_JS) {
      if (!js_async_gen_consumed(f, idx, sink, n)) spread_promise(f, idx, sink, n);
      continue;
    }
    if (n->kind == IR_CALL && n->use == IR_USE_RETURNED && f->lang != AL_LANG_C) {
      returned_unawaited(f, idx, sink, n);
      continue;
    }
    if (n->kind != IR_CALL || n->use != IR_USE_DISCARDED) continue;
    const ir_node *returned = f->lang == AL_LANG_JS ? promise_iife(f, idx, n) : NULL;
    if (returned) {
      al_report(sink, n, "promise of a function called in place is dropped: it returns `%s()`'s promise, whose "
                "rejection is unhandled; add .catch(), await it, or mark it with `void` if that is intended",
                al_call_label(f, returned));
      continue;
    }
    if (f->lang == AL_LANG_JS && async_iife(n)) {
      al_report(sink, n, "promise of an async function called in place is dropped: a rejection inside it is "
                "unhandled; add .catch(), await it, or mark it with `void` if that is intended");
      continue;
    }
    if (f->lang == AL_LANG_JS && n->name &&
        (al_ends_with(n->name, ".then") || al_ends_with(n->name, ".finally") ||
         (al_ends_with(n->name, ".catch") && (!n->nargs || (n->args[0].flags & IR_ARG_NULL)))) &&
        !(n->nargs >= 2 && al_ends_with(n->name, ".then") && !(n->args[1].flags & IR_ARG_NULL)) &&
        (chain_on_stored_promise(f, idx, n) || then_on_unknown(n))) {
      const char *as = n->text && strrchr(n->text, '.') ? n->text : n->name; /* `this.ready`, not `Loader.ready` */
      if (!strncmp(as, "()", 2) && strrchr(al_call_label(f, n), '.'))
        as = al_call_label(f, n); /* `new Promise(...).then`: as written */
      al_report(sink, n, "promise chain on `%.*s` ends in `%s()` without a rejection handler: a rejection becomes an "
                "unhandled rejection; end it with .catch(), or await it in a try block",
                (int)(strrchr(as, '.') - as), as, strrchr(as, '.'));
      continue;
    }
    /* A floating .then/.catch/.finally chain is handled when it ends in .catch(f) or
     * .then(f, g); ending in .then(f) or .finally(f) leaves rejections unhandled
     * (eslint-plugin-promise's catch-or-return, without needing the root's type). */
    if (f->lang == AL_LANG_JS && n->child && n->child->kind == IR_CALL && n->child->use == IR_USE_CHAINED) {
      const char *last = n->name ? strrchr(n->name, '.') : NULL;
      /* `.finally(f)` passes on what it is called on: after `.catch(g)` or `.then(f, g)`
       * the chain is handled */
      const ir_node *h = n;
      while (h->name && al_ends_with(h->name, ".finally") && h->child && h->child->kind == IR_CALL &&
             h->child->use == IR_USE_CHAINED && h->child->name &&
             (al_ends_with(h->child->name, ".then") || al_ends_with(h->child->name, ".catch")))
        h = h->child;
      const char *hl = h->name ? strrchr(h->name, '.') : NULL;
      /* `.catch()` with no handler handles nothing (typescript-eslint no-floating-promises) */
      bool handled = !last || (!strcmp(hl, ".catch") && h->nargs >= 1 && !(h->args[0].flags & IR_ARG_NULL)) ||
                     (!strcmp(hl, ".then") && h->nargs >= 2 && !(h->args[1].flags & IR_ARG_NULL));
      if (handled) continue;
      al_report(sink, n, "promise chain ends in `%s()` without a rejection handler: a rejection anywhere in the "
                "chain becomes an unhandled rejection; end it with .catch(), or await it in a try block", last);
      continue;
    }
    if (f->lang == AL_LANG_PYTHON && dropped_map(f, idx, sink, n)) continue;
    const al_func_info *fn;
    const al_kb_entry *api;
    const al_func_info *gen = f->lang != AL_LANG_C ? async_gen_method(f, idx, n) : NULL;
    if (gen) {
      const ir_node *encl = ir_enclosing_func(n);
      al_report_fix(sink, n, make_fix(f, n, encl), "%s returned by `%s()` is never awaited: `%s` is an async "
                    "generator (defined at %s:%u), whose `%s()` returns %s; %s", what(f->lang), al_call_label(f, n),
                    al_display_name(gen->func->name), gen->file->src->path, gen->func->span.line,
                    strrchr(n->name, '.') + 1, f->lang == AL_LANG_JS ? "a promise" : "an awaitable",
                    advice(f, n, encl && (encl->flags & IR_F_ASYNC)));
      continue;
    }
    if (!al_index_call_awaitable(idx, f, n, &fn, &api)) continue;
    /* JS fire-and-forget of a project async function that catches its own errors:
     * the promise cannot reject, nothing is lost */
    if (f->lang == AL_LANG_JS && fn && (fn->func->flags & IR_F_ASYNC) && (fn->flags & AL_FN_HANDLES_ERRORS)) continue;
    const ir_node *encl = ir_enclosing_func(n);
    bool in_async = encl && (encl->flags & IR_F_ASYNC);
    const char *kind = what(f->lang);
    al_fix *fx = make_fix(f, n, encl);
    if (fn && (n->flags & IR_F_TYPED_CALLEE)) {
      al_report_fix(sink, n, fx, "%s %s is never awaited: `%s` is typed `%s`, a function type that returns a promise "
                    "(defined at %s:%u); %s", kind, made_by(f, n, by, sizeof by), n->text ? n->text : n->name,
                    al_display_name(fn->func->name), fn->file->src->path, fn->func->span.line, advice(f, n, in_async));
    } else if (fn) {
      const char *how = f->lang == AL_LANG_C ? "returns a future"
                        : (fn->func->flags & IR_F_ASYNC) ? "is an async function"
                        : (fn->func->flags & (IR_F_PROPERTY | IR_F_PROMISE_TYPED)) ==
                                  (IR_F_PROPERTY | IR_F_PROMISE_TYPED)
                            ? ((fn->func->flags & IR_F_MAYBE_PROMISE) ? "is a field that may hold a promise"
                                                                      : "is a field declared as a promise")
                            /* (TypeScript: `ready: Promise<void>;`, `opt?: Promise<void>`) */
                            : "returns an awaitable";
      al_report_fix(sink, n, fx, "%s %s is never awaited: `%s` %s (defined at %s:%u); %s", kind,
                made_by(f, n, by, sizeof by), al_display_name(fn->func->name), how, fn->file->src->path, fn->func->span.line, advice(f, n, in_async));
    } else if (api) {
      if (f->lang == AL_LANG_PYTHON && al_expected_to_raise(f, n)) {
        al_fix_free(fx);
        continue;
      }
      const char *note = al_kb_attr(api, "note");
      if (f->lang == AL_LANG_PYTHON && al_kb_attr_is(api, "kind", "future")) /* scheduled already: its outcome is lost */
        al_report_fix(sink, n, fx, "future %s is never awaited: %s; the work runs, but its result and exception "
                      "are lost (\"exception was never retrieved\"); await it", made_by(f, n, by, sizeof by),
                      note ? note : "it is scheduled already");
      else if (f->lang == AL_LANG_JS && (n->flags & IR_F_NEW) && n->name && strcmp(n->name, api->name))
        al_report_fix(sink, n, fx, "%s %s is never awaited: `%s` extends %s; %s", kind, made_by(f, n, by, sizeof by),
                      al_call_label(f, n), api->name, advice(f, n, in_async)); /* a project subclass */
      else
        al_report_fix(sink, n, fx, "%s %s is never awaited: %s; %s", kind, made_by(f, n, by, sizeof by),
                      note ? note : "it is a known awaitable API", advice(f, n, in_async));
    } else if (f->lang != AL_LANG_C) {
      al_report_fix(sink, n, fx, "%s %s is never awaited: `%s` is declared to return %s; %s", kind,
                    made_by(f, n, by, sizeof by), al_call_label(f, n),
                    f->lang == AL_LANG_JS ? "a promise" : "an awaitable", advice(f, n, in_async));
    } else {
      al_report_fix(sink, n, fx, "%s %s is never awaited: its result type `%s` is a future; %s", kind,
                made_by(f, n, by, sizeof by), n->type ? n->type : "?", advice(f, n, in_async));
    }
  }
}

const al_rule rule_al101 = {
    .code = "AL101",
    .name = "unawaited-coroutine",
    .family = AL_FAMILY_MISSING_AWAIT,
    .langs = AL_LANGS_ALL,
    .severity = AL_SEV_ERROR,
    .summary = "a coroutine, promise or future is created and dropped without being awaited",
    .fix = AL_FIX_SOMETIMES,
    .check = check,
};
