/* AL501 unused-async: an `async def` whose body never awaits (no await, async for or
 * async with, no yield): it need not be a coroutine. Not reported for what must be async
 * for others: decorated functions (framework handlers, fixtures, abstract methods),
 * methods (overrides and duck-typed interfaces), test functions (async test runners),
 * stubs (no calls in the body), and functions used as values in the same file
 * (callbacks, attribute assignments, tables). */
#include <string.h>

#include "common.h"

/* `pass` / `...` / a docstring / `raise NotImplementedError` (knowledge `stub_raises`):
 * nothing in the IR but that raise. */
static bool is_stub(const ir_file *f, const ir_node *fn) {
  const al_kb *kb = al_kb_for(f->lang);
  if (fn->flags & IR_F_GENERATOR) return false; /* it yields: a body */
  for (const ir_node *n = fn->child; n; n = ir_next(n, fn)) {
    if (n->kind == IR_RAISE) continue;
    if (n->kind == IR_CALL && n->name && n->parent->kind == IR_RAISE && al_kb_find(kb, "stub_raises", n->name))
      continue;
    return false;
  }
  return true;
}

static bool ident_char(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The function's name appears somewhere as a value (not called, not its own def):
 * passed as a callback, assigned to an attribute, put in a table. Whoever receives it
 * may await what it returns. */
/* Every identifier the file uses as a value (not called, not another object's member,
 * not its own binding or definition), collected in one pass over the text. */
static void values_of(const ir_file *f, al_map *out) {
  const char *text = f->src->text, *end = text + f->src->len;
  for (const char *p = text; p < end;) {
    if (!ident_char(*p) || (*p >= '0' && *p <= '9')) {
      p++;
      continue;
    }
    const char *s0 = p;
    while (p < end && ident_char(*p)) p++;
    size_t n = (size_t)(p - s0);
    if (s0 > text && (s0[-1] == '@' || s0[-1] == '.')) continue; /* x.name: another object's */
    const char *q = p;
    while (q < end && (*q == ' ' || *q == '\t')) q++;
    if (q < end && *q == '(') continue; /* a call */
    bool head = q < end && *q == '.' && !(q + 1 < end && q[1] == '.'); /* `x.m`: 2, unless x is a value elsewhere */
    if (q + 1 < end && *q == '=' && q[1] != '=' && q[1] != '>') continue; /* its binding */
    const char *b = s0;
    while (b > text && b[-1] == ' ') b--;
    if (b - text >= 3 && !strncmp(b - 3, "def", 3)) continue; /* its definition */
    if (b - text >= 5 && !strncmp(b - 5, "class", 5) && (b - text == 5 || !ident_char(b[-6]))) continue;
    if (n < 128) {
      char name[128];
      memcpy(name, s0, n);
      name[n] = 0;
      if (!head || !al_map_get(out, name)) al_map_put(out, name, (void *)(uintptr_t)(head ? 2 : 1));
    }
  }
}

/* @overload siblings: the implementation keeps the signature its overloads declare. */

/* It calls something awaitable without awaiting it (AL101/AL103), or blocks (AL2xx):
 * that is the bug, and its fix brings an await, so the `async` stays. */
static bool drops_awaitable(const ir_file *f, const al_index *idx, const ir_node *fn) {
  for (const ir_node *n = fn->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, fn) : ir_next(n, fn)) {
    const al_func_info *callee;
    const al_kb_entry *api;
    if (n->kind == IR_CALL && al_index_call_awaitable(idx, f, n, &callee, &api)) return true;
    /* a blocking call (AL2xx): its fix, an awaited equivalent, needs the async */
    if (n->kind == IR_CALL && al_blocking_api(f, idx, n)) return true;
    /* JS: it returns a promise (flattened by async): async keeps throws as rejections */
    if (f->lang == AL_LANG_JS && n->kind == IR_CALL && n->use == IR_USE_RETURNED &&
        al_index_call_awaitable(idx, f, n, &callee, &api))
      return true;
    if (n->kind == IR_LOOP && al_loop_is_busy_wait(f, n)) return true;
    if (al_sync_with_async_cm(f, n)) return true; /* `with lock:` meant `async with` (AL101) */
    /* `for m in ws:` over an async-only object meant `async for` (AL101) */
    if (n->kind == IR_LOOP && al_loop_over_async_only(f, n, NULL)) return true;
    /* ... or `list(ws)`, `[m for m in ws]`, `[...rl]` meant `[m async for m in ws]` (AL101) */
    al_consumed consumed;
    if ((n->kind == IR_CALL || n->kind == IR_ASSIGN || n->kind == IR_RETURN || n->kind == IR_USE) &&
        al_async_only_consumed(f, n, &consumed))
      return true;
    /* ... or over a library call returning an async iterator (`for d in users.find()`) */
    const ir_node *it = n->kind == IR_LOOP && !(n->flags & IR_F_ASYNC) ? al_loop_iterated_call(f, n) : NULL;
    if (it && it->name && al_kb_match(al_kb_for(f->lang), "async_iterators", it->name)) return true;
    /* an async callback handed to a call whose promise nobody waits for (AL104) */
    if (n->kind == IR_CALL && n->use != IR_USE_AWAITED)
      for (const ir_node *c = n->child; c; c = c->next)
        if (c->kind == IR_FUNC && (c->flags & IR_F_ASYNC)) return true;
    if (n->kind == IR_CALL && (callee = al_index_resolve(idx, f, n)) && al_index_blocking(callee)->block_depth)
      return true; /* AL210 */
  }
  return false;
}

/* JS: an anonymous async function nobody else receives: awaited in place
 * (`await (async () => {...})`) or called in place (`(async () => {...})()`). One passed
 * as an argument is a callback: whoever takes it may need a promise (AL104 has those). */
static bool lone_lambda(const ir_file *f, const ir_node *fn) {
  const ir_node *p = fn->parent;
  if (!p) return false;
  /* `(async () => fn(...args))()`: an expression body called in place turns whatever fn
   * does (a throw, a value) into a promise, which is what it is for */
  if (fn->body && fn->body < f->src->len && f->src->text[fn->body] != '{') return false;
  if (p->kind == IR_AWAIT) return true;
  return p->kind == IR_CALL && p->name && !strcmp(p->name, "()") && p->child == fn &&
         fn->span.start <= p->span.start + 1;
}

/* JS: a method of a class that extends or implements nothing, or of an object literal held
 * in a local, where neither the class nor the object leaves the file (not exported, its
 * name never used as a value: `module.exports = Store`, a subclass elsewhere): no
 * interface the IR cannot see asks for a promise (ESLint's require-await reports every
 * method; an exported class's async method is its promise-returning API). */
static bool own_method(const ir_node *fn, const al_map *values) {
  const ir_node *p = fn->parent;
  if (!p || (fn->flags & IR_F_EXPORTED) || (p->flags & IR_F_EXPORTED) || !p->name) return false;
  if (p->kind == IR_CLASS && (p->flags & IR_F_DERIVED)) return false;
  if (p->kind != IR_CLASS && !(p->kind == IR_ASSIGN && (p->flags & IR_F_LITERAL))) return false;
  return (uintptr_t)al_map_get(values, p->name) != 1; /* `registry.add(...)` keeps it here */
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  al_map values = {0}, defs = {0};
  bool counted = false, js = f->lang == AL_LANG_JS;
  for (ir_node *const *n_at = ir_of_kind(f, IR_FUNC); *n_at; n_at++) {
    const ir_node *n = *n_at;
    /* async generators are left alone: code that wants an async iterator needs one even
     * when it never awaits (ESLint's require-await does the same) */
    if (!(n->flags & IR_F_ASYNC) || (n->flags & (IR_F_DECORATED | IR_F_GENERATOR))) continue;
    if (!n->name || al_has_await(n)) continue;
    if (n->flags & IR_F_LAMBDA) {
      if (js && lone_lambda(f, n) && !is_stub(f, n) && !drops_awaitable(f, idx, n))
        al_report(sink, n, "this async function never awaits: it runs synchronously and only wraps its result in "
                  "a promise (and turns its exceptions into rejections); make it a plain function, or await "
                  "something");
      continue;
    }
    const char *simple = strrchr(n->name, '.');
    simple = simple ? simple + 1 : n->name;
    /* methods may implement an interface the IR cannot see (duck typing, overrides);
     * test functions must be coroutines for async test runners (pytest-asyncio/trio) */
    if ((n->flags & IR_F_METHOD) && !js) continue;
    if (al_starts_with(simple, "test")) continue;
    if (!counted) { /* once per file: linear, whatever the number of functions */
      counted = true;
      values_of(f, &values);
      for (ir_node *const *x_at = ir_of_kind(f, IR_FUNC); *x_at; x_at++) {
        const ir_node *x = *x_at;
        if (x->name)
          al_map_put(&defs, x->name, (void *)((uintptr_t)al_map_get(&defs, x->name) + 1));
      }
    }
    if ((n->flags & IR_F_METHOD) && !own_method(n, &values)) continue;
    bool overloaded = (uintptr_t)al_map_get(&defs, n->name) > 1; /* @overload siblings */
    bool named = *simple && !(*simple >= '0' && *simple <= '9');
    for (const char *c = simple; *c && named; c++) named = ident_char(*c);
    if (!named) continue; /* stored into a computed member (`obj[key] = async function`): a value */
    if (is_stub(f, n) || al_map_get(&values, simple) || overloaded || drops_awaitable(f, idx, n)) continue;
    if (f->lang == AL_LANG_JS)
      al_report(sink, n, "async function `%s` never awaits: it runs synchronously and only wraps its result in a "
                "promise (and turns its exceptions into rejections); make it a plain function, or await something",
                al_display_name(n->name));
    else
      al_report(sink, n, "async function `%s` never awaits: calling it only builds a coroutine that runs "
                "synchronously when awaited; make it a plain function (and drop the awaits at its call sites), or "
                "await something", n->name);
  }
  al_map_free(&values);
  al_map_free(&defs);
}

const al_rule rule_al501 = {
    .code = "AL501",
    .name = "unused-async",
    .family = AL_FAMILY_HYGIENE,
    .langs = (1u << AL_LANG_PYTHON) | (1u << AL_LANG_JS),
    .severity = AL_SEV_INFO,
    .summary = "an async function that never awaits",
    .fix = AL_FIX_NONE,
    /* off by default, as its peers are (ruff's RUF029 is a preview rule, ESLint's
     * require-await and Biome's useAwait are not in their recommended sets): a helper
     * that returns at once (`async def fetch(): return 1`) is a deliberate interface
     * often enough, and an unresolved import makes a caller look like it never awaits */
    .opt_in = true,
    .check = check,
};
