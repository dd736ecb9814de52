/* AL516 async-api-misuse: a combinator or promise API called in a shape that fails at
 * run time (knowledge `combinator_shapes`, `promise_statics`):
 * - Python `asyncio.gather([a(), b()])` / `gather(tasks)` (a list: gather takes the
 *   awaitables as separate arguments; TypeError, and the coroutines never run);
 *   `asyncio.wait(a(), b())` (it takes one collection; TypeError); `asyncio.wait(coro())`
 *   or `asyncio.wait([coro() ...])` (3.11+: coroutines are refused; TypeError);
 * - JS `Promise.all(p1, p2)` (one iterable: p1 is used, a promise is not iterable, and
 *   p2 is ignored), `Promise.all()` / `Promise.all(fetch(x))` (TypeError: not
 *   iterable), `Promise.resolve(a, b)` (b ignored), `new Promise.resolve(x)` (not a
 *   constructor), `new Promise()` without an executor function, an executor whose
 *   parameters are swapped (`(reject, resolve) =>`), and a `then` method on a plain
 *   object, class or module (eslint-plugin-promise no-new-statics, valid-params,
 *   param-names; unicorn no-thenable): `await` and `Promise.resolve` call it, and the
 *   await never ends unless it calls its first argument;
 * - a Mocha/Jest/node:test test or hook whose function declares the `done` callback and
 *   also returns a promise (knowledge `done_callback_tests`): the framework fails it.
 * Fix (unsafe: the program goes from failing to running the work): a list given to
 * gather is spread (`gather(*xs)`); JS arguments given separately are wrapped in an
 * array (`Promise.all([p1, p2])`). */
#include <string.h>

#include "common.h"

/* A local assigned a collection (list/tuple literal or comprehension) last before `at`
 * in its function: the ASSIGN, or NULL. */
static const ir_node *collection_local(const ir_file *f, const ir_node *at, const char *name) {
  const ir_node *fn = ir_enclosing_func(at), *root = fn ? fn : f->root, *last = NULL;
  for (const ir_node *c = root->child; c && c->span.start < at->span.start; c = ir_next(c, root))
    if (c->kind == IR_ASSIGN && c->name && !strcmp(c->name, name)) last = c;
  return last && (last->flags & (IR_F_LITERAL | IR_F_COMPREHENSION)) ? last : NULL;
}

/* A call that makes a coroutine (not a task or future): a project `async def`, or a
 * knowledge `coroutine_apis` entry. */
static bool makes_coroutine(const ir_file *f, const al_index *idx, const ir_node *c) {
  if (!c->name || al_is_spawn(f, c)) return false;
  const al_func_info *fn = al_index_resolve(idx, f, c);
  if (fn) return (fn->func->flags & IR_F_ASYNC) && !(fn->func->flags & IR_F_GENERATOR);
  return al_kb_match(al_kb_for(f->lang), "coroutine_apis", c->name) != NULL;
}

static uint32_t positional(const ir_node *n) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < n->nargs; i++) k += !(n->args[i].flags & IR_ARG_KEYWORD);
  return k;
}

/* `Promise.all([fetchA, fetchB])`, `asyncio.gather(fetch_a, fetch_b)`: an async function
 * of the project named among a combinator's awaitables, not called. items: one element, or
 * an array / list literal whose top-level elements are looked at. Reports once. */
static bool uncalled_async_fn(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n,
                              const char *items) {
  if (!items) return false;
  size_t len = strlen(items);
  const char *p = items, *end = items + len;
  if (len >= 2 && (items[0] == '[' || items[0] == '(')) {
    if (items[len - 1] != (items[0] == '[' ? ']' : ')')) return false; /* (a shortened text) */
    p++;
    end--;
  }
  while (p < end) {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++;
    const char *s0 = p;
    while (p < end && (al_ident_char(*p) || *p == '.')) p++;
    const char *e0 = p;
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++;
    if (p < end && *p != ',') return false; /* not a plain list of names */
    p++;
    char name[128];
    if (e0 == s0 || (size_t)(e0 - s0) >= sizeof name) continue;
    memcpy(name, s0, (size_t)(e0 - s0));
    name[e0 - s0] = 0;
    const al_func_info *fn = al_arg_async_fn(f, idx, n, name);
    if (!fn) continue;
    if (f->lang == AL_LANG_JS)
      al_report(sink, n, "`%s()` is given `%s`, the async function itself, not a call of it: a value that is not a "
                "promise passes through as it is, so the result holds the function and `%s` never runs (defined "
                "at %s:%u); call it (`%s(...)`)", al_call_label(f, n), name, name, fn->file->src->path,
                fn->func->span.line, name);
    else
      al_report(sink, n, "`%s()` is given `%s`, the async function itself, not a call of it: a function is not "
                "awaitable — TypeError, and `%s` never runs (defined at %s:%u); call it (`%s(...)`)",
                al_call_label(f, n), name, name, fn->file->src->path, fn->func->span.line, name);
    return true;
  }
  return false;
}

static void check_python(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n,
                         const al_kb_entry *e) {
  const char *takes = al_kb_attr(e, "takes");
  const char *label = al_call_label(f, n);
  /* `wait([fetch_a])` (`gather(fetch_a)` given the function is AL101's: knowledge takes_coroutine) */
  for (uint32_t i = 0; i < n->nargs; i++)
    if (!(n->args[i].flags & (IR_ARG_KEYWORD | IR_ARG_SPREAD | IR_ARG_COMPREHENSION)) && n->args[i].text &&
        (n->args[i].text[0] == '[' || n->args[i].text[0] == '(') && uncalled_async_fn(f, idx, sink, n, n->args[i].text))
      return;
  if (takes && !strcmp(takes, "varargs")) {
    if (positional(n) != 1 || (n->args[0].flags & (IR_ARG_SPREAD | IR_ARG_KEYWORD))) return;
    const ir_arg *a = &n->args[0];
    bool lit = (a->flags & IR_ARG_COMPREHENSION) || (a->text && a->text[0] == '{') || /* a dict or set */
               ((a->flags & IR_ARG_LITERAL) && a->text && (a->text[0] == '[' || a->text[0] == '('));
    const ir_node *local = !lit && a->text ? collection_local(f, n, a->text) : NULL;
    if (!lit && !local) return;
    al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "spread the collection");
    uint32_t at = al_callee_end(f, n) + 1;
    while (at < n->span.end && (f->src->text[at] == ' ' || f->src->text[at] == '\n')) at++;
    al_fix_add(fx, at, at, "*");
    al_report_fix(sink, n, fx, "`%s()` is given %s as its one argument: it takes the awaitables as separate "
                  "arguments, and a %s is not awaitable — TypeError, and none of them runs; spread it "
                  "(`%s(*%s)`)", label, local ? "a list" : "a collection", local ? "list" : "collection", label,
                  a->text);
    return;
  }
  /* one collection */
  const char *max = al_kb_attr(e, "positional");
  uint32_t np = positional(n);
  if (max && np > (uint32_t)(*max - '0')) {
    al_report(sink, n, "`%s()` is given %u positional arguments: it takes one collection of awaitables (its "
              "options are keyword-only) — TypeError; pass a list (`%s([...])`)", label, np, label);
    return;
  }
  if (!al_kb_attr(e, "no_coroutines") || !np || (n->args[0].flags & (IR_ARG_KEYWORD | IR_ARG_SPREAD))) return;
  const ir_node *one = al_arg_call(f, n, 0);
  if (one && makes_coroutine(f, idx, one)) {
    al_report(sink, n, "`%s()` is given the coroutine `%s()` itself: it takes a collection of tasks — TypeError; "
              "pass `[asyncio.create_task(%s(...))]`, or await the coroutine directly", label,
              al_call_label(f, one), al_call_label(f, one));
    return;
  }
  if (!(n->args[0].flags & (IR_ARG_COMPREHENSION | IR_ARG_LITERAL))) return;
  for (const ir_node *c = n->child; c; c = c->next)
    if (c->kind == IR_CALL && makes_coroutine(f, idx, c)) {
      al_report(sink, n, "`%s()` over coroutines (`%s()`): since Python 3.11 it accepts only tasks and futures — "
                "TypeError (before, it wrapped them in tasks silently); wrap each in asyncio.create_task(), or "
                "use asyncio.gather()", label, al_call_label(f, c));
      return;
    }
}

/* Python: a plain function where an async one is taken — `nursery.start_soon(job, x)`,
 * `trio.run(main)` (knowledge `takes_async_fn`): trio and anyio call it, then raise
 * TypeError on what it returns; or a plain function's result where a coroutine is taken —
 * `asyncio.create_task(job(x))`, `gather(job(x))` (knowledge `takes_coroutine`): TypeError
 * (asyncio.run: ValueError). Only functions that surely return no awaitable; an async
 * generator function fails the same way (its call is no coroutine). */
static bool plain_for_async(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n, const al_kb *kb) {
  const al_kb_entry *e;
  const char *label = al_call_label(f, n);
  /* (the cheap tests first: most calls have neither a name nor a call to look at) */
  const ir_arg *a = n->nargs ? &n->args[0] : NULL;
  bool named = a && a->text && !(a->flags & (IR_ARG_KEYWORD | IR_ARG_SPREAD | IR_ARG_LAMBDA | IR_ARG_LITERAL |
                                             IR_ARG_NULL)) && !strchr(a->text, '(');
  /* `await nursery.start(worker, x)` (knowledge `spawn`, `ready`): trio/anyio pass `task_status=` */
  const al_kb_entry *sp = named ? al_kb_find(kb, "spawn", n->name) : NULL; /* (the `ready` ones are exact names) */
  if (sp && al_kb_attr_is(sp, "ready", "true")) {
    const al_func_info *fn = al_ref_fn(f, idx, n, a->text);
    if (!al_fn_coroutine(fn) || (fn->flags & AL_FN_STARTABLE)) return false;
    for (uint32_t i = 0; i < fn->func->nargs; i++)
      if (fn->func->args[i].flags & IR_ARG_SPREAD) return false; /* (`**kwargs` takes it) */
    al_report(sink, n, "`%s()` is given `%s` (defined at %s:%u), which takes no `task_status`: start() passes "
              "`task_status=` to it and waits for `task_status.started()`, so this raises TypeError (\"unexpected "
              "keyword argument 'task_status'\"); use `start_soon()`, or give `%s` a `task_status="
              "%s.TASK_STATUS_IGNORED` parameter and call `task_status.started()` when it is ready", label, a->text,
              fn->file->src->path, fn->func->span.line, a->text, al_py_async_lib_of(f, n));
    return true;
  }
  if (named && al_kb_match(kb, "takes_async_fn", n->name)) {
    const al_func_info *fn = al_ref_fn(f, idx, n, a->text);
    if (al_fn_async_gen(fn)) {
      al_report(sink, n, "`%s()` is given `%s`, an async generator function (defined at %s:%u): it takes an async "
                "function whose call is a coroutine, and an async generator is none — TypeError; iterate it with "
                "`async for` inside an async def that you start instead", label, a->text, fn->file->src->path,
                fn->func->span.line);
      return true;
    }
    if (!al_fn_surely_plain(fn)) return false;
    al_report(sink, n, "`%s()` is given `%s`, a plain function (defined at %s:%u): it takes an async function, "
              "calls it and raises TypeError on what it returns, which is no coroutine — the body has run on the "
              "loop by then; make `%s` an async def, or run it in a thread (`to_thread.run_sync(%s, ...)`)",
              label, a->text, fn->file->src->path, fn->func->span.line, a->text, a->text);
    return true;
  }
  bool call_arg = false;
  for (const ir_node *c = n->child; c && !call_arg; c = c->next) call_arg = c->kind == IR_CALL && c->use == IR_USE_PASSED;
  if (!call_arg || !(e = al_kb_match(kb, "takes_coroutine", n->name))) return false;
  for (uint32_t i = 0; i < n->nargs; i++) {
    if (n->args[i].flags & (IR_ARG_KEYWORD | IR_ARG_SPREAD | IR_ARG_COMPREHENSION)) continue;
    const ir_node *c = al_arg_call(f, n, i);
    const al_func_info *fn = c ? al_index_resolve(idx, f, c) : NULL;
    const char *raises = al_kb_attr(e, "raises");
    if (al_fn_async_gen(fn)) {
      al_report(sink, c, "`%s()` is given `%s()`, an async generator (defined at %s:%u): it takes a coroutine, and "
                "an async generator is none — %s, and nothing of its body runs; iterate it with `async for` inside "
                "an async def, and pass that def's coroutine", label, al_call_label(f, c), fn->file->src->path,
                fn->func->span.line, raises ? raises : "TypeError");
      return true;
    }
    if (!al_fn_surely_plain(fn)) continue;
    al_report(sink, c, "`%s()` is given `%s()`, a call of a plain function (defined at %s:%u): it takes a "
              "coroutine, and `%s` returns no coroutine (nothing, or a plain value) — %s, after the call has run "
              "where it stands; make `%s` an async def, or call it without `%s()`", label, al_call_label(f, c),
              fn->file->src->path, fn->func->span.line, al_call_label(f, c), raises ? raises : "TypeError",
              al_call_label(f, c), label);
    return true;
  }
  return false;
}

/* JS: `new Promise((reject, resolve) => ...)`: the names say the roles are swapped. */
static bool swapped_executor(const ir_node *fn) {
  if (fn->nargs < 1 || !fn->args[0].text) return false;
  const char *a = fn->args[0].text, *b = fn->nargs > 1 ? fn->args[1].text : NULL;
  while (*a == '_') a++;
  bool first_rejects = !strncmp(a, "rej", 3) || !strcmp(a, "fail") || !strcmp(a, "reject");
  bool second_resolves = !b || !strncmp(b + strspn(b, "_"), "res", 3);
  return first_rejects && second_resolves;
}

/* The text of line `at` from its first non-blank character, up to `at`: in out. */
static void line_before(const ir_file *f, uint32_t at, char *out, size_t cap) {
  const char *t = f->src->text;
  uint32_t s = al_line_start(f, at);
  while (s < at && (t[s] == ' ' || t[s] == '\t')) s++;
  size_t n = at - s < cap - 1 ? at - s : cap - 1;
  memcpy(out, t + s, n);
  out[n] = 0;
}

/* From `from` (just past a settle call) to `to` (the next one) the code runs straight
 * on: the first call ends its statement (not `ok ? resolve() : reject()`), no brace
 * closes its block (the second may sit deeper: `if (!ok) { resolve(v) }`), and no
 * return, throw, break, continue, else or case stands between at its level. Strings
 * and comments are skipped. */
static bool runs_on_to(const char *t, uint32_t from, uint32_t to) {
  uint32_t i = from;
  while (i < to && (t[i] == ' ' || t[i] == '\t')) i++;
  if (i < to && t[i] != ';' && t[i] != '\n' && t[i] != '\r') return false;
  int depth = 0;
  for (; i < to; i++) {
    char ch = t[i];
    if (ch == '/' && i + 1 < to && (t[i + 1] == '/' || t[i + 1] == '*')) { /* a comment */
      bool line = t[i + 1] == '/';
      for (i += 2; i < to && (line ? t[i] != '\n' : !(t[i] == '*' && i + 1 < to && t[i + 1] == '/')); i++) {}
      if (!line) i++;
      continue;
    }
    if (ch == '"' || ch == '\'' || ch == '`') {
      for (i++; i < to && t[i] != ch; i++)
        if (t[i] == '\\') i++;
      continue;
    }
    if (ch == '{' || ch == '(' || ch == '[') depth++;
    else if (ch == '}' || ch == ')' || ch == ']') {
      if (--depth < 0) return false;
    } else if (depth == 0 && !al_ident_char(t[i - 1])) {
      static const char *const stops[] = {"return", "throw", "break", "continue", "else", "case", "default", NULL};
      for (int k = 0; stops[k]; k++) {
        size_t n = strlen(stops[k]);
        if (i + n <= to && !strncmp(t + i, stops[k], n) && !al_ident_char(t[i + n])) return false;
      }
    }
  }
  return true;
}

/* The settle call a is alone under an `if` with no return: on the if's own line
 * (`if (err) reject(err);`), or as the only statement of its braces. Returns the byte
 * after that if's body (or after a, brace-less) and the if's line start in *if_at;
 * 0 when a is not so placed. */
static uint32_t alone_under_if(const ir_file *f, const ir_node *a, uint32_t limit, uint32_t *if_at) {
  const char *t = f->src->text;
  char before[160];
  line_before(f, a->span.start, before, sizeof before);
  *if_at = al_line_start(f, a->span.start);
  if (al_starts_with(before, "if (") || al_starts_with(before, "if(")) {
    /* `if (err) reject(err);` ends its line */
    uint32_t i = a->span.end;
    while (i < f->src->len && (t[i] == ' ' || t[i] == ';' || t[i] == '\t')) i++;
    return i < f->src->len && t[i] != '\n' && t[i] != '\r' && t[i] != '/' ? 0 : a->span.end;
  }
  /* `if (err) {` / `  reject(err);` / `}`: the line above opens the braces */
  if (*before || *if_at < 2) return 0;
  uint32_t up = al_line_start(f, *if_at - 1);
  line_before(f, *if_at - 1, before, sizeof before);
  size_t bl = strlen(before);
  while (bl && (before[bl - 1] == ' ' || before[bl - 1] == '\r')) before[--bl] = 0;
  if (!(al_starts_with(before, "if (") || al_starts_with(before, "if(")) || !bl || before[bl - 1] != '{') return 0;
  /* the braces hold only a: the next non-blank after a's statement closes them */
  uint32_t i = a->span.end;
  while (i < limit && strchr(" \t\r\n;", t[i])) i++;
  if (i >= limit || t[i] != '}') return 0;
  *if_at = up;
  return i + 1;
}

/* Two settle calls of one executor on one path (eslint-plugin-promise
 * no-multiple-resolved): `if (err) reject(err);` (no return) then `resolve(data)` after
 * the if, not under its else; or `reject(err); resolve(v);` in a row. The second call is
 * silently ignored, and the code after the first runs on as if it had not failed. */
static bool double_settle(const ir_file *f, al_sink *sink, const ir_node *ex) {
  if (ex->nargs < 1 || !ex->args[0].text) return false;
  const char *t = f->src->text;
  const char *names[2] = {ex->args[0].text, ex->nargs > 1 ? ex->args[1].text : NULL};
  const ir_node *prev = NULL;
  for (const ir_node *c = ex; c; c = ir_next(c, ex)) {
    if (c->kind != IR_CALL || c->use != IR_USE_DISCARDED || !c->name || strchr(c->name, '.')) continue;
    if (strcmp(c->name, names[0]) && (!names[1] || strcmp(c->name, names[1]))) continue;
    const ir_node *a = prev;
    prev = c;
    if (!a || ir_enclosing_func(a) != ir_enclosing_func(c)) continue;
    uint32_t if_at, after = alone_under_if(f, a, c->span.start, &if_at);
    if (after && runs_on_to(t, after, c->span.start)) {
      al_report(sink, c, "`%s()` runs after `%s()` whenever the `if` at line %u holds: a promise settles once, so "
                "the second call is ignored and the code after the first runs on as if nothing failed; `return "
                "%s(...)` in the `if`, or put `%s(...)` under `else`", c->name, a->name,
                al_source_line_of(f->src, if_at), a->name, c->name);
      return true;
    }
    if (!after && runs_on_to(t, a->span.end, c->span.start)) { /* `reject(err); resolve(v);` */
      al_report(sink, c, "`%s()` runs after `%s()` (line %u) on the same path: a promise settles once, so the second "
                "call is ignored and the code after the first runs on as if nothing happened; `return %s(...)`, "
                "or settle once", c->name, a->name, a->span.line, a->name);
      return true;
    }
  }
  return false;
}

/* `.finally(() => { return v; })`: the value is ignored, the promise keeps its own
 * result (eslint-plugin-promise no-return-in-finally). */
static void finally_return(const ir_file *f, al_sink *sink, const ir_node *n) {
  const char *t = f->src->text;
  for (const ir_node *cb = n->child; cb; cb = cb->next) {
    if (cb->kind != IR_FUNC || !(cb->flags & IR_F_LAMBDA)) continue;
    for (const ir_node *r = cb->child; r; r = r->kind == IR_FUNC ? ir_next_skip(r, cb) : ir_next(r, cb)) {
      if (r->kind != IR_RETURN || r->span.end - r->span.start < 7 || strncmp(t + r->span.start, "return", 6)) continue;
      uint32_t i = r->span.start + 6;
      while (i < r->span.end && (t[i] == ' ' || t[i] == '\t')) i++;
      if (i >= r->span.end || t[i] == ';' || t[i] == '\n' || t[i] == '}') continue;
      /* `return cleanup()` / `return await x`: finally waits for that promise (its
       * rejection replaces the result), so the value is used */
      if ((r->child && r->child->kind == IR_CALL) || !strncmp(t + i, "await", 5) || !strncmp(t + i, "new ", 4))
        continue;
      al_report(sink, r, "a value returned from a `.finally()` callback is ignored: the promise keeps the result "
                "(or rejection) it had; return it from a `.then()` instead, or drop the value");
      return;
    }
    return;
  }
}

/* `new Promise((resolve) => setTimeout(resolve(), ms))`: the timer is given what
 * resolve() returns — the promise settles now, and the timer gets no function. */
static void timer_given_settle(const ir_file *f, al_sink *sink, const ir_node *n) {
  if (!n->nargs || !n->args[0].text) return;
  const ir_node *c = al_arg_call(f, n, 0);
  if (!c || !c->name || strchr(c->name, '.')) return;
  for (const ir_node *fn = ir_enclosing_func(n); fn; fn = ir_enclosing_func(fn)) {
    const ir_node *ctor = fn->parent;
    bool executor = (fn->flags & IR_F_LAMBDA) && ctor && ctor->kind == IR_CALL && (ctor->flags & IR_F_NEW) &&
                    ctor->name && al_kb_find(al_kb_for(f->lang), "promise_types", ctor->name);
    for (uint32_t i = 0; i < fn->nargs && i < 2; i++)
      if (fn->args[i].text && !strcmp(fn->args[i].text, c->name)) {
        if (!executor) return; /* a parameter of another function shadows */
        al_fix *fx = NULL;
        if (!c->nargs && f->src->text[c->span.end - 1] == ')') {
          fx = al_fix_new(AL_FIX_APPLY_SAFE, "pass the function");
          al_fix_add(fx, al_callee_end(f, c), c->span.end, "");
        }
        al_report_fix(sink, c, fx, "`%s(%s)` calls the executor's `%s` now: the promise settles at once instead "
                      "of when the timer fires, and the timer is given no function; pass `%s`%s", al_call_label(f, n),
                      n->args[0].text, c->name, c->name, c->nargs ? " (and the value through a function)" : "");
        return;
      }
  }
}

/* Python: `loop.call_later(1, fut.set_result(x))`: the future is settled now, and the
 * scheduler is given None (TypeError: not callable). Knowledge `settle_methods`. */
static void callback_given_settle(const ir_file *f, al_sink *sink, const ir_node *n, const al_kb_entry *e) {
  uint32_t k;
  const ir_arg *a = al_callback_arg(n, e, &k);
  const ir_node *c = a && !(a->flags & IR_ARG_SPREAD) ? al_arg_call(f, n, k) : NULL;
  if (!c || !c->name || !al_kb_match(al_kb_for(f->lang), "settle_methods", c->name)) return;
  al_report_fix(sink, c, al_pass_function_fix(f, c, AL_FIX_APPLY_UNSAFE), "`%s()` is called now, in the arguments of `%s()`: the "
                "future is settled at once instead of by the callback, and the scheduler is given its result, not a "
                "function (TypeError: not callable); pass the method and its arguments (`%s(..., %s, ...)`)", al_call_label(f, c),
                al_call_label(f, n), al_call_label(f, n), al_call_label(f, c));
}

/* The method of a `p.then(...)` / `p.catch(...)` / `p.finally(...)` call ("then", "catch",
 * "finally"), or NULL. */
static const char *promise_method(const ir_node *n) {
  const char *dot = n->name ? strrchr(n->name, '.') : NULL;
  if (!dot || dot == n->name || (n->flags & IR_F_NEW)) return NULL;
  const char *m = dot + 1;
  return !strcmp(m, "then") || !strcmp(m, "catch") || !strcmp(m, "finally") ? m : NULL;
}

/* A chain of then/catch/finally calls that AL101 reports when dropped: one that starts
 * from a call (`load().then(f).catch()`, `foo().then()`: a then-chain is a promise), or
 * from a local last assigned a call that makes a promise (`const q = load()`) or
 * a name typed as a promise. */
static bool chain_reported_dropped(const ir_file *f, const al_index *idx, const ir_node *n) {
  const ir_node *r = n;
  for (int depth = 0; r && depth < 64; depth++) {
    const ir_node *recv = r->child && r->child->span.start == r->span.start ? r->child : NULL;
    if (!recv) return false;
    if (recv->kind == IR_USE && recv->name) {
      bool array, maybe; /* TypeScript: `p: Promise<T>`, `const p: Promise<T> | undefined = ...` */
      if (f->lang == AL_LANG_JS && al_promise_or_array_param(f, recv, recv->name, &array, &maybe)) return true;
      const ir_node *as = al_last_assign(f, recv, recv->name), *c = as ? as->child : NULL;
      const al_func_info *callee;
      const al_kb_entry *api;
      return c && c->kind == IR_CALL && al_index_call_awaitable(idx, f, c, &callee, &api);
    }
    if (recv->kind != IR_CALL) return false;
    if (!promise_method(recv)) return true;
    r = recv;
  }
  return false;
}

/* eslint-plugin-promise valid-params: `.then()`, `.catch()`, `.finally()` without a
 * handler do nothing (a `.catch()` handles no rejection); `.catch(a, b)` and
 * `.finally(a, b)` ignore the second. A dropped or chained `load().catch()` is AL101's (a
 * floating promise), not reported twice; `p.catch();` of a name AL101 does not know holds a
 * promise is reported here. (`.then` with three arguments is jQuery's progress callback: left alone.) */
static bool promise_method_arity(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  const char *m = promise_method(n);
  if (!m) return false;
  bool catch_ = !strcmp(m, "catch"), fin = !strcmp(m, "finally");
  for (uint32_t i = 0; i < n->nargs; i++)
    if (n->args[i].flags & IR_ARG_SPREAD) return false;
  const char *label = al_call_label(f, n);
  /* dropped (`p.catch();`), it is a floating promise: AL101 says so where p is one */
  if (!n->nargs && ((n->use != IR_USE_DISCARDED && n->use != IR_USE_CHAINED) || !chain_reported_dropped(f, idx, n))) {
    al_report(sink, n, "`%s()` without a handler does nothing%s; pass the callback it is for", label,
              catch_ ? ": no rejection is handled, and the chain still rejects" : "");
    return true;
  }
  if ((catch_ || fin) && n->nargs > 1) {
    al_report(sink, n, "`%s()` is given %u arguments: it takes one callback, the rest are ignored%s", label,
              n->nargs, catch_ ? " (to handle both outcomes, `.then(onFulfilled, onRejected)`)" : "");
    return true;
  }
  return false;
}

/* `p.then(log())`, `p.then(save(x))`, `p.catch(report())`: the handler called where the chain
 * is built instead of passed. then/catch/finally ignore what is not a function, so the call
 * runs at once, before p settles, and the chain passes p's outcome on unhandled. Only a
 * project function known to return no function: an async one (its promise floats too) or
 * one whose returns give nothing or a literal (`.catch(handleError('x'))`, a factory
 * returning a handler, is the usual shape and left alone). */
static bool handler_called(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  const char *m = promise_method(n);
  if (!m) return false;
  bool then = !strcmp(m, "then");
  for (uint32_t i = 0; i < n->nargs && i < (then ? 2u : 1u); i++) {
    if (n->args[i].flags & (IR_ARG_SPREAD | IR_ARG_LAMBDA | IR_ARG_FUNC_REF | IR_ARG_NULL)) continue;
    const ir_node *c = al_arg_call(f, n, i);
    const al_func_info *fn = c ? al_index_resolve(idx, f, c) : NULL;
    if (!fn || (c->flags & IR_F_NEW)) continue;
    bool async = (fn->func->flags & (IR_F_ASYNC | IR_F_GENERATOR)) == IR_F_ASYNC;
    if (!async && !al_fn_surely_plain(fn)) continue;
    const char *label = al_call_label(f, c);
    al_report(sink, c, "`%s()` is given `%s()`, the result of calling it, not the function: %s ignores what is "
              "not a function, so `%s` runs at once, before the promise settles, and the chain passes the "
              "outcome on as if there were no handler%s; pass the function (`%s`, or `() => %s(...)`)",
              al_call_label(f, n), label, m, label,
              async ? " (and the promise it returns floats: a rejection is unhandled)" : "", label, label);
    return true;
  }
  return false;
}

/* fn's body calls `name` or hands it on (`setTimeout(done)`, `.then(done)`). */
static bool uses_callback(const ir_node *fn, const char *name) {
  for (const ir_node *c = fn->child; c; c = ir_next(c, fn)) {
    if (c->kind != IR_CALL) continue;
    if (c->name && !strcmp(c->name, name)) return true;
    for (uint32_t i = 0; i < c->nargs; i++)
      if (c->args[i].text && !strcmp(c->args[i].text, name)) return true;
  }
  return false;
}

/* fn returns a promise: async, or it returns a promise chain or an awaitable call. */
static bool returns_promise(const ir_file *f, const al_index *idx, const ir_node *fn) {
  if (fn->flags & IR_F_ASYNC) return true;
  for (const ir_node *x = fn->child; x; x = x->kind == IR_FUNC ? ir_next_skip(x, fn) : ir_next(x, fn)) {
    const ir_node *r = x->kind == IR_RETURN ? x->child : x;
    if (!r || r->kind != IR_CALL || r->use != IR_USE_RETURNED || !r->name || ir_enclosing_func(r) != fn) continue;
    const al_func_info *callee;
    const al_kb_entry *api;
    if (al_ends_with(r->name, ".then") || al_ends_with(r->name, ".catch") || al_ends_with(r->name, ".finally") ||
        al_index_call_awaitable(idx, f, r, &callee, &api))
      return true;
  }
  return false;
}

/* JS: a Mocha/Jest/node:test test or hook whose function declares the `done` callback and
 * also returns a promise: the framework fails it. */
static bool done_and_promise(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n,
                             const al_kb *kb) {
  const ir_node *fn = NULL;
  for (const ir_node *c = n->child; c && !fn; c = c->next)
    if (c->kind == IR_FUNC) fn = c;
  if (!fn || !fn->nargs) return false;
  char key[128];
  const char *name = n->name;
  if (n->module && (!n->member || !*n->member)) { /* a default import called (node:test's `test`) */
    if (!al_join(key, sizeof key, n->module, '.', "default")) return false;
    name = key;
  }
  const al_kb_entry *e = al_kb_find(kb, "done_callback_tests", name);
  const char *pos = e ? al_kb_attr(e, "done") : NULL, *mod = e ? al_kb_attr(e, "module") : NULL;
  /* an entry is a global's or an import's, as the call is (`vitest.it` has none) */
  if (!pos || !mod != !n->module || al_index_resolve(idx, f, n)) return false;
  uint32_t i = (uint32_t)(*pos - '1');
  const char *param = i < fn->nargs ? fn->args[i].text : NULL;
  if (!param || !al_is_identifier(param)) return false;
  if (!al_kb_find(kb, "done_callback_names", param) && !uses_callback(fn, param)) return false;
  if (!returns_promise(f, idx, fn)) return false;
  al_report(sink, fn, "the function given to `%s()` declares the `%s` callback and %s: %s; drop `%s` and let the "
            "promise end the test (throw or reject instead of `%s(err)`)", al_call_label(f, n), param,
            (fn->flags & IR_F_ASYNC) ? "is async, so it also returns a promise" : "also returns a promise",
            al_kb_attr(e, "fails") ? al_kb_attr(e, "fails") : "the test framework fails it", param, param);
  return true;
}

/* name stands as an identifier of its own in the source between b and e (not a property:
 * `this.resolve`); strings and comments count (a mention is a mention). */
static bool span_mentions(const ir_file *f, uint32_t b, uint32_t e, const char *name) {
  const char *t = f->src->text;
  size_t n = strlen(name);
  for (const char *p = t + b; n && (p = memmem(p, (size_t)(t + e - p), name, n)); p += n) {
    bool before = p > t + b && (al_ident_char(p[-1]) || p[-1] == '.');
    bool after = p + n < t + e && al_ident_char(p[n]);
    if (!before && !after) return true;
  }
  return false;
}

/* `new Promise((resolve, reject) => { ... })` whose body never mentions its parameters (nor
 * `arguments`): nothing can settle the promise but a throw in the executor itself, so an
 * await of it waits forever. `new Promise(() => {})`, with no parameters, says so on
 * purpose and is left alone, as is a parameter named `_...`, and an executor that returns
 * a value (AL509's). */
static bool never_settles(const ir_file *f, al_sink *sink, const ir_node *ex) {
  if (!ex->nargs || !ex->body || ex->body >= ex->span.end) return false;
  for (uint32_t i = 0; i < ex->nargs && i < 2; i++) {
    const char *p = ex->args[i].text;
    if (!p || !al_is_identifier(p) || p[0] == '_' || span_mentions(f, ex->body, ex->span.end, p)) return false;
  }
  if (span_mentions(f, ex->body, ex->span.end, "arguments")) return false;
  /* a value returned instead (also an arrow's expression body): AL509 says so (that value
   * was meant as the promise's) */
  if (f->src->text[ex->body] != '{') return false;
  for (const ir_node *r = ex->child; r; r = r->kind == IR_FUNC ? ir_next_skip(r, ex) : ir_next(r, ex))
    if (r->kind == IR_RETURN) return false;
  al_report(sink, ex, "the Promise executor never calls or hands on `%s`%s%s%s: nothing settles the promise, so "
            "whatever awaits it waits forever (and its `.then` callbacks never run); call `%s(value)` when the work "
            "is done%s", ex->args[0].text, ex->nargs > 1 ? " nor `" : "", ex->nargs > 1 ? ex->args[1].text : "",
            ex->nargs > 1 ? "`" : "", ex->args[0].text, ex->nargs > 1 ? " and reject on failure" : "");
  return true;
}

/* `Promise.all(xs.map((x) => { save(x); }))`: the mapper given to map is a plain function
 * (not async: its promise would be the element) whose body is a block with no `return` of
 * its own, and which makes at least one call (a promise it should have returned) — the
 * array holds undefined. */
static const ir_node *returnless_callback(const ir_file *f, const ir_node *map) {
  const ir_node *cb = NULL;
  unsigned nfn = 0;
  for (const ir_node *c = map->child; c; c = c->next)
    if (c->kind == IR_FUNC) cb = c, nfn++;
  if (nfn != 1 || (cb->flags & (IR_F_ASYNC | IR_F_GENERATOR))) return NULL; /* (one function argument) */
  const char *t = f->src->text;
  uint32_t i = cb->span.start, end = cb->span.end;
  if (strncmp(t + i, "function", 8)) { /* an arrow: its body starts after the first `=>` */
    while (i + 1 < end && !(t[i] == '=' && t[i + 1] == '>')) i++;
    if (i + 1 >= end) return NULL;
    for (i += 2; i < end && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r');) i++;
    if (i >= end || t[i] != '{') return NULL;
  }
  bool calls = false;
  for (const ir_node *x = cb->child; x; x = x->kind == IR_FUNC ? ir_next_skip(x, cb) : ir_next(x, cb)) {
    if (x->kind == IR_RETURN || x->kind == IR_RAISE) return NULL; /* (a throw: the mapper may be a guard) */
    if (x->kind == IR_CALL) calls = true;
  }
  return calls ? cb : NULL;
}

static void check_js(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n, const al_kb *kb) {
  const char *label = al_call_label(f, n);
  if ((n->flags & IR_F_NEW) && n->name && al_kb_find(kb, "promise_statics", n->name)) {
    al_report(sink, n, "`new %s()`: %s is a static method, not a constructor — TypeError; call it without `new`",
              n->name, n->name);
    return;
  }
  if ((n->flags & IR_F_NEW) && n->name && al_kb_find(kb, "promise_types", n->name)) {
    if (!n->nargs || (n->args[0].flags & (IR_ARG_LITERAL | IR_ARG_NULL))) {
      al_report(sink, n, "`new Promise(%s)` without an executor function — TypeError (the resolver is not a "
                "function); pass `(resolve, reject) => { ... }`", n->nargs ? n->args[0].text : "");
      return;
    }
    for (const ir_node *c = n->child; c; c = c->next)
      if (c->kind == IR_FUNC && (double_settle(f, sink, c) || never_settles(f, sink, c))) return;
    for (const ir_node *c = n->child; c; c = c->next)
      if (c->kind == IR_FUNC && swapped_executor(c)) {
        al_report(sink, c, "the Promise executor's parameters are named `%s, %s`: the first one resolves and the "
                  "second rejects, whatever their names, so `%s(...)` fulfils the promise; name them "
                  "`(resolve, reject)`", c->args[0].text, c->nargs > 1 ? c->args[1].text : "", c->args[0].text);
        return;
      }
    return;
  }
  if (promise_method_arity(f, idx, sink, n)) return;
  if (handler_called(f, idx, sink, n)) return;
  if (done_and_promise(f, idx, sink, n, kb)) return;
  if (al_ends_with(n->name, ".finally")) {
    finally_return(f, sink, n);
    return;
  }
  if (al_kb_find(kb, "not_thenable", n->name)) {
    timer_given_settle(f, sink, n);
    return;
  }
  const al_kb_entry *e = n->name ? al_kb_find(kb, "combinator_shapes", n->name) : NULL;
  if (!e) return;
  const char *max = al_kb_attr(e, "positional");
  const char *takes = al_kb_attr(e, "takes");
  bool iterable = takes && !strcmp(takes, "iterable");
  if (iterable && !n->nargs) {
    al_report(sink, n, "`%s()` without an iterable rejects with a TypeError (undefined is not iterable); pass an "
              "array of promises", label);
    return;
  }
  if (max && n->nargs > (uint32_t)(*max - '0') && !(n->args[0].flags & IR_ARG_SPREAD)) {
    al_fix *fx = NULL;
    uint32_t open = al_callee_end(f, n), close = n->span.end - 1;
    if (iterable && f->src->text[open] == '(' && f->src->text[close] == ')') {
      fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "pass them in an array");
      al_fix_add(fx, open + 1, open + 1, "[");
      al_fix_add(fx, close, close, "]");
    }
    if (iterable)
      al_report_fix(sink, n, fx, "`%s()` is given %u arguments: it takes one iterable, so only `%s` is used (a "
                    "promise is not iterable: TypeError) and the rest are ignored; pass an array (`%s([...])`)",
                    label, n->nargs, n->args[0].text, label);
    else
      al_report(sink, n, "`%s()` is given %u arguments: it takes %s, the rest are ignored", label, n->nargs,
                *max == '1' ? "one" : "two");
    return;
  }
  if (iterable && n->nargs == 1 && n->args[0].text && n->args[0].text[0] == '[' &&
      uncalled_async_fn(f, idx, sink, n, n->args[0].text))
    return;
  const char *empty = al_kb_attr(e, "empty");
  if (empty && n->nargs == 1 && n->args[0].text && !strcmp(n->args[0].text, "[]")) {
    al_report(sink, n, "`%s([])` over an empty array %s", label, empty);
    return;
  }
  if (iterable && n->nargs == 1 && n->args[0].text && n->args[0].text[0] == '{') {
    al_report(sink, n, "`%s()` is given an object: it takes an iterable, so it rejects with a TypeError (object "
              "is not iterable); pass `Object.values(...)` of it, or an array of the promises", label);
    return;
  }
  if (iterable && n->nargs == 1) {
    const ir_node *one = al_arg_call(f, n, 0);
    const ir_node *cb = one && al_js_array_map(one) ? returnless_callback(f, one) : NULL;
    if (cb) {
      al_report(sink, cb, "the callback of `%s()` inside `%s()` has a block body without `return`: every element "
                "is undefined, so `%s()` waits for nothing and a promise made inside is dropped (its rejection "
                "unhandled); `return` the promise, or write the arrow with an expression body",
                al_call_label(f, one), label, label);
      return;
    }
    const al_func_info *callee;
    const al_kb_entry *api;
    if (one && !(al_js_array_map(one) || (one->name && (al_ends_with(one->name, ".filter") ||
                                                        al_ends_with(one->name, ".slice")))) &&
        al_index_call_awaitable(idx, f, one, &callee, &api))
      al_report(sink, n, "`%s()` is given one promise (`%s()`), not an iterable of them: it rejects with a "
                "TypeError (not iterable); pass `[%s]`, or await the promise directly", label,
                al_call_label(f, one), n->args[0].text);
  }
}

/* JS: a `then` method outside a promise-like class makes the object a thenable: await
 * and Promise.resolve() call it (unicorn no-thenable, Biome noThenProperty). */
static void check_thenable(const ir_file *f, al_sink *sink, const ir_node *n) {
  const char *dot = strrchr(n->name, '.');
  if (strcmp(dot ? dot + 1 : n->name, "then")) return;
  if (!dot && !(n->flags & IR_F_EXPORTED)) return; /* a local function named then */
  if (!n->body) return; /* a signature (interface, declare): a type, not an object */
  if (dot) { /* a class that also has catch/finally is promise-like by design */
    size_t ol = (size_t)(dot - n->name);
    for (ir_node *const *m_at = ir_of_kind(f, IR_FUNC); *m_at; m_at++) {
      const ir_node *m = *m_at;
      if (m != n && m->name && !strncmp(m->name, n->name, ol) && m->name[ol] == '.' &&
          (!strcmp(m->name + ol + 1, "catch") || !strcmp(m->name + ol + 1, "finally")))
        return;
    }
  }
  if (dot && n->name[0] == '<') /* `<object>.then`: a method of an object literal */
    al_report(sink, n, "a `then` method makes this object a thenable: `await` and Promise.resolve() call it as a "
              "promise's then, and the await hangs unless it calls its first argument; rename it");
  else if (dot)
    al_report(sink, n, "`%s` makes `%.*s` objects thenables: `await` and Promise.resolve() call it as a promise's "
              "then, and the await hangs unless it calls its first argument; rename it", n->name,
              (int)(dot - n->name), n->name);
  else
    al_report(sink, n, "an exported `then` makes the module namespace a thenable: `await import(...)` calls it as "
              "a promise's then, and the import hangs unless it calls its first argument; rename it");
}

/* `@functools.lru_cache` on an `async def` (or `lru_cache(fetch)` of one): the cache keeps
 * the coroutine object a call made, and the next call with the same arguments gets that
 * one again, already awaited. */
static void caches_coroutine(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  const char *fn = n->args[0].text;
  if (!fn || (n->args[0].flags & IR_ARG_KEYWORD)) return;
  if (!(n->flags & IR_F_DECORATED) && !al_arg_async_fn(f, idx, n, fn)) return;
  const char *dot = strrchr(n->name, '.');
  bool property = !strcmp(dot ? dot + 1 : n->name, "cached_property");
  al_report(sink, n, "`%s` on async function `%s` caches the coroutine object, not its result: the %s gets the "
            "coroutine already awaited and raises RuntimeError (cannot reuse already awaited coroutine); cache the "
            "awaited value (async_lru's @alru_cache, or a dict of results or of tasks)",
            n->text ? n->text : n->name, fn,
            property ? "second read of the property" : "next call with the same arguments");
}

/* Python code that awaits at module level runs inside a loop (a notebook, `python -m asyncio`). */
static bool awaits_at_module_level(const ir_file *f) {
  for (ir_node *const *a = ir_of_kind(f, IR_AWAIT); *a; a++)
    if (!ir_enclosing_func(*a)) return true;
  return false;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  const al_kb *kb = al_kb_for(f->lang);
  ir_kinds_iter n_it = ir_kinds(f, IR_KINDS(IR_FUNC, IR_CALL));
  for (const ir_node *n; (n = ir_kinds_next(&n_it));) {
    if (n->kind == IR_FUNC && f->lang == AL_LANG_JS && n->name && !(n->flags & IR_F_LAMBDA)) {
      check_thenable(f, sink, n);
      continue;
    }
    if (n->kind != IR_CALL || !n->name) continue;
    if (f->lang == AL_LANG_JS) {
      if (n->nargs >= 2 && n->args[1].text &&
          (!strcmp(n->args[1].text, "'then'") || !strcmp(n->args[1].text, "\"then\"")) &&
          al_kb_find(kb, "property_definers", n->name))
        al_report(sink, n, "`%s(..., %s)` makes the object a thenable: `await` and Promise.resolve() call its then "
                  "as a promise's, and the await hangs unless it calls its first argument; use another name",
                  n->name, n->args[1].text);
      check_js(f, idx, sink, n, kb);
      continue;
    }
    if (n->nargs && plain_for_async(f, idx, sink, n, kb)) continue;
    if (!ir_enclosing_func(n) && al_kb_match(kb, "needs_running_loop", n->name) && !awaits_at_module_level(f)) {
      al_report(sink, n, "`%s()` at import time (%s): no event loop runs here yet, so it raises RuntimeError "
                "(\"no running event loop\"); call it inside the async code the program starts (`asyncio.run(main())`, "
                "`trio.run(main)`)", al_call_label(f, n), ir_enclosing_class(n) ? "in a class body" : "module level");
      continue;
    }
    const al_kb_entry *e = al_kb_find(kb, "combinator_shapes", n->name);
    if (e) check_python(f, idx, sink, n, e);
    else if (n->nargs == 1 && al_kb_find(kb, "result_caching_decorators", n->name)) caches_coroutine(f, idx, sink, n);
    else if (n->nargs && (e = al_kb_match(kb, "void_callbacks", n->name))) callback_given_settle(f, sink, n, e);
  }
}

const al_rule rule_al516 = {
    .code = "AL516",
    .name = "async-api-misuse",
    .family = AL_FAMILY_HYGIENE,
    .langs = (1u << AL_LANG_JS) | (1u << AL_LANG_PYTHON),
    .severity = AL_SEV_ERROR,
    .summary = "a combinator or promise API called in a shape that fails (gather([...]), Promise.all(a, b), "
               "new Promise.resolve(), a then method, a test taking `done` that returns a promise, "
               "@lru_cache on an async def, a plain function given to start_soon/create_task, a loop API at "
               "import time, a handler called in .then(), an executor that never settles)",
    .fix = AL_FIX_UNSAFE,
    .check = check,
};
