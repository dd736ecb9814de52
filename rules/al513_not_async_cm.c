/* AL513 not-async-context-manager: `async with` over something that is not an async
 * context manager — a synchronous-only one (knowledge `sync_context_managers`: open(),
 * threading.Lock, contextlib.suppress, trio.fail_after ...), or the coroutine of an
 * `async def` (a project one without decorators, or knowledge `coroutine: true` such
 * as anyio.open_file). `__aenter__` does not exist, so the statement raises TypeError
 * before its body runs (pylint's not-async-context-manager, by inference; here without
 * types). The reverse, a plain `with` over an async-only manager, is AL101's. */
#include <string.h>

#include "common.h"

/* The end of the with header (the `:` at bracket depth 0 after the items). */
static uint32_t header_end(const ir_file *f, const ir_node *n) {
  const char *t = f->src->text;
  int depth = 0;
  for (uint32_t i = n->span.start; i < n->span.end; i++) {
    char c = t[i];
    if (c == '(' || c == '[' || c == '{') depth++;
    else if (c == ')' || c == ']' || c == '}') depth--;
    else if (c == '"' || c == '\'') { /* skip a simple string */
      for (i++; i < n->span.end && t[i] != c && t[i] != '\n'; i++)
        if (t[i] == '\\') i++;
    } else if (c == ':' && depth == 0)
      return i;
  }
  return n->span.end;
}

static bool sync_cm_item(const ir_file *f, const char *item, void *ctx) {
  (void)ctx;
  const al_kb_entry *e = al_kb_match(al_kb_for(f->lang), "sync_context_managers", item);
  return e && !al_kb_attr(e, "coroutine");
}

/* What literal the expression text s starts with ("a list", "a set or dict", "a number",
 * "a string"), or NULL: `async for x in [...]` and `async with 42:` are TypeErrors. */
static const char *literal_kind(const char *s) {
  char c = s[0];
  if (c == '[') return "a list";
  if (c == '{') return "a set or dict";
  if (c >= '0' && c <= '9') return "a number";
  return c == '"' || c == '\'' || ((c == 'f' || c == 'b') && (s[1] == '"' || s[1] == '\'')) ? "a string" : NULL;
}

/* `async for x in <not an async iterable>`: a list/tuple/set/dict/string literal or a
 * comprehension, a call of a builtin that returns a plain iterable (knowledge
 * `sync_iterables`: range, enumerate, zip, sorted, open ...), or of a project generator
 * that is not async. `__aiter__` does not exist: TypeError before the first iteration. */
static void async_for_over_sync(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *loop) {
  const char *it = loop->name;
  if (!it || !*it) return;
  const char *what = NULL;
  char buf[160];
  /* (a parenthesised expression is not known: `async for x in (await make_stream())`) */
  bool genexp = it[0] == '(' && strstr(it, " for ") && !strstr(it, "async for");
  if (genexp || literal_kind(it)) {
    what = genexp ? "a generator expression" : literal_kind(it);
  } else {
    const ir_node *c = NULL;
    for (const ir_node *x = loop->child; x && !c; x = x->next)
      if (x->kind == IR_CALL && x->span.end <= loop->body && !strncmp(f->src->text + x->span.start, it, 1) &&
          x->text && al_starts_with(it, x->text))
        c = x;
    if (!c || !c->name) return;
    size_t tl = strlen(c->text);
    if (it[tl] != '(' || it[strlen(it) - 1] != ')') return; /* the call is the whole iterable */
    const al_func_info *fn = al_index_resolve(idx, f, c);
    if (fn) {
      if ((fn->func->flags & (IR_F_ASYNC | IR_F_GENERATOR)) != IR_F_GENERATOR) return;
      snprintf(buf, sizeof buf, "the generator `%s()` (defined at %s:%u, not async)", al_call_label(f, c),
               fn->file->src->path, fn->func->span.line);
    } else if (al_kb_find(al_kb_for(f->lang), "sync_iterables", c->name)) {
      snprintf(buf, sizeof buf, "`%s()`, a plain iterable", al_call_label(f, c));
    } else {
      return;
    }
    what = buf;
  }
  al_report(sink, loop, "`async for` over %s: it has no `__aiter__`, so this raises TypeError before the first "
            "iteration; use a plain `for`", what);
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  if (f->lang != AL_LANG_PYTHON) return;
  const al_kb *kb = al_kb_for(f->lang);
  ir_kinds_iter n_it = ir_kinds(f, IR_KINDS(IR_LOOP, IR_WITH));
  for (const ir_node *n; (n = ir_kinds_next(&n_it));) {
    if (n->kind == IR_LOOP && (n->flags & IR_F_ASYNC) && !(n->flags & IR_F_WHILE)) {
      async_for_over_sync(f, idx, sink, n);
      continue;
    }
    if (n->kind != IR_WITH || !(n->flags & IR_F_ASYNC)) continue;
    uint32_t end = header_end(f, n);
    /* `async with 42:`, `async with "x":`, `async with [a, b]:` — a literal has no __aenter__ */
    const char *lt = f->src->text;
    uint32_t li = n->span.start;
    if (end - li > 10 && !strncmp(lt + li, "async", 5)) {
      li += 5;
      while (li < end && (lt[li] == ' ' || lt[li] == '\t')) li++;
      if (!strncmp(lt + li, "with", 4)) li += 4;
      while (li < end && (lt[li] == ' ' || lt[li] == '\t')) li++;
      const char *lit = li < end ? literal_kind(lt + li) : NULL;
      if (lit) {
        al_report(sink, n, "`async with` over %s: it has no `__aenter__`, so this raises TypeError before the body "
                  "runs; use an async context manager", lit);
        continue;
      }
    }
    bool reported = false;
    for (const ir_node *c = n->child; c; c = c->next) {
      if (c->kind != IR_CALL || c->span.start >= end || !c->name) continue;
      /* the item itself, not a call in its arguments: `async with` or `,` before it */
      const char *t = f->src->text;
      uint32_t b = c->span.start;
      while (b > n->span.start && (t[b - 1] == ' ' || t[b - 1] == '(' || t[b - 1] == '\n')) b--;
      if (!(b >= 4 && !strncmp(t + b - 4, "with", 4)) && t[b - 1] != ',') continue;
      const al_kb_entry *e = al_kb_match(kb, "sync_context_managers", c->name);
      const char *use = e ? al_kb_attr(e, "use") : NULL;
      if (e && al_kb_attr(e, "coroutine")) {
        al_report(sink, c, "`async with %s(...)`: `%s()` is a coroutine function, and a coroutine is not an async "
                  "context manager (no `__aenter__`), so this raises TypeError; await it first: %s",
                  al_call_label(f, c), al_call_label(f, c), use ? use : "async with await ...");
        reported = true;
        continue;
      }
      if (e) {
        al_report(sink, c, "`async with %s(...)`: `%s` is a synchronous context manager (no `__aenter__`), so this "
                  "raises TypeError before the body runs; use %s", al_call_label(f, c), c->name,
                  use ? use : "a plain `with`");
        reported = true;
        continue;
      }
      bool cm_async;
      if (al_py_cm_factory(idx, f, c, &cm_async) && !cm_async) { /* `@contextmanager def f()` */
        al_report(sink, c, "`async with %s()`: `%s` is a @contextmanager function, a synchronous context "
                  "manager (no `__aenter__`), so this raises TypeError before the body runs; use a plain `with`, "
                  "or make it an @asynccontextmanager async def", al_call_label(f, c), al_call_label(f, c));
        reported = true;
        continue;
      }
      /* a project class with __enter__ and no __aenter__ (nor bases that could bring one) */
      if (al_index_class_method(idx, f, c, "__aenter__", "__enter__") == 0) {
        al_report(sink, c, "`async with %s()`: the class `%s` has `__enter__` but no `__aenter__` (a synchronous "
                  "context manager), so this raises TypeError before the body runs; use a plain `with`, or give it "
                  "`async def __aenter__`/`__aexit__`", al_call_label(f, c), al_call_label(f, c));
        reported = true;
        continue;
      }
      /* half the async protocol: `async with` needs both __aenter__ and __aexit__ */
      bool enter = al_index_class_method(idx, f, c, "__aexit__", "__aenter__") == 0;
      if (enter || al_index_class_method(idx, f, c, "__aenter__", "__aexit__") == 0) {
        al_report(sink, c, "`async with %s()`: the class `%s` has `%s` but no `%s`, so this raises TypeError "
                  "before the body runs; define both `async def __aenter__` and `async def __aexit__`",
                  al_call_label(f, c), al_call_label(f, c), enter ? "__aenter__" : "__aexit__",
                  enter ? "__aexit__" : "__aenter__");
        reported = true;
        continue;
      }
      const al_func_info *fn = al_index_resolve(idx, f, c);
      if (al_fn_async_gen(fn)) {
        /* the decorator forgotten: an async generator is no context manager by itself */
        al_report(sink, c, "`async with %s()`: `%s` is an async generator (defined at %s:%u) without "
                  "@contextlib.asynccontextmanager, and an async generator is not an async context manager (no "
                  "`__aenter__`), so this raises TypeError before the body runs; decorate it with "
                  "@contextlib.asynccontextmanager", al_call_label(f, c), fn->func->name, fn->file->src->path,
                  fn->func->span.line);
        reported = true;
        continue;
      }
      if (!al_fn_coroutine(fn)) continue;
      al_report(sink, c, "`async with %s()`: `%s` is an async def (defined at %s:%u), and its coroutine is not an "
                "async context manager (no `__aenter__`), so this raises TypeError; await it first (`async with "
                "await %s()`), or make it one with @contextlib.asynccontextmanager", al_call_label(f, c),
                fn->func->name, fn->file->src->path, fn->func->span.line, al_call_label(f, c));
      reported = true;
    }
    /* an item that is not a call: a variable or attribute holding one (`self._lock =
     * threading.Lock()` ... `async with self._lock:`), typed by the front end */
    const char *item = reported || !n->name ? NULL : al_list_find(f, n->name, ",", sync_cm_item, NULL);
    if (item) {
      const al_kb_entry *e = al_kb_match(al_kb_for(f->lang), "sync_context_managers", item);
      const char *use = al_kb_attr(e, "use");
      al_report(sink, n, "`async with` over a `%s`, a synchronous context manager (no `__aenter__`): this raises "
                "TypeError before the body runs; use %s", item, use ? use : "a plain `with`");
    }
  }
}

const al_rule rule_al513 = {
    .code = "AL513",
    .name = "not-async-context-manager",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_ERROR,
    .summary = "async with / async for over a synchronous context manager, iterable or a coroutine (raises TypeError)",
    .fix = AL_FIX_NONE,
    .check = check,
};
