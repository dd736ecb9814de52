/* AL103 stored-unawaited: a coroutine or task is stored in a local variable that is
 * never read again in its function: never awaited, returned or passed on. */
#include <string.h>

#include "common.h"

/* The file's reads (USE nodes) by variable name, in source order: built once per file
 * (AL103 asks per stored value; walking the function each time was quadratic in a long
 * one). Valid while check() runs. */
static _Thread_local struct {
  const ir_file *f; /* the file check() runs on; the map is built on the first ask */
  bool built;
  al_map map;
} uses_memo;

static void uses_add(al_map *m, const ir_node *n) {
  al_vec *v = al_map_get(m, n->name);
  if (!v) {
    v = al_calloc(1, sizeof *v);
    al_map_put_borrowed(m, n->name, v);
  }
  al_vec_push(v, (void *)n);
}

static void uses_free_one(const char *key, void *val, void *ctx) {
  (void)key, (void)ctx;
  al_vec_free(val);
  free(val);
}

static const al_vec *uses_of(const char *var) {
  if (!uses_memo.f) return NULL;
  if (!uses_memo.built) {
    for (const ir_node *n = uses_memo.f->root; n; n = ir_next(n, uses_memo.f->root))
      if (n->kind == IR_USE && n->name) uses_add(&uses_memo.map, n);
    uses_memo.built = true;
  }
  return al_map_get(&uses_memo.map, var);
}

/* The read is the argument of a call that uses the value itself (knowledge `takes_value`:
 * `len(data)`, `json.loads(data)`, `Object.keys(p)`): it gets the coroutine or promise. */
static bool taken_as_value(const ir_file *f, const ir_node *use) {
  const ir_node *c = use->parent;
  if (!c || c->kind != IR_CALL || !c->name || !use->name || !al_kb_find(al_kb_for(f->lang), "takes_value", c->name))
    return false;
  for (uint32_t i = 0; i < c->nargs; i++) /* the argument itself, not a part of one (`len(p.items)`) */
    if (!c->args[i].keyword && c->args[i].text && !strcmp(c->args[i].text, use->name)) return true;
  return false;
}

/* Python: the read is `return var` in an async function (not a generator, not declared to
 * return an awaitable) and the coroutine is no awaitable context manager handed back for
 * `async with await f()`: the caller's `await f()` gets the coroutine, not its result. */
static bool returned_unawaited(const ir_file *f, const ir_node *use, const ir_node *assign_call) {
  /* (the whole value: `return results, coro` hands a coroutine over in a tuple) */
  if (f->lang != AL_LANG_PYTHON || !use->parent || use->parent->kind != IR_RETURN || !use->name) return false;
  const ir_node *r = use->parent;
  const char *t = f->src->text;
  uint32_t b = r->span.start + 6, e = r->span.end; /* after `return` */
  while (b < e && (t[b] == ' ' || t[b] == '\t')) b++;
  while (e > b && (t[e - 1] == ' ' || t[e - 1] == '\t' || t[e - 1] == '\n' || t[e - 1] == '\r')) e--;
  if (e - b != strlen(use->name) || strncmp(t + b, use->name, e - b)) return false;
  const ir_node *fn = ir_enclosing_func(use);
  if (!fn || (fn->flags & (IR_F_ASYNC | IR_F_GENERATOR)) != IR_F_ASYNC || al_py_returns_awaitable_by_design(f, fn))
    return false;
  return !(assign_call && assign_call->name &&
           al_kb_match(al_kb_for(f->lang), "async_context_managers", assign_call->name));
}

/* Whether var is read again in fn (a function or a loop: the reads inside its span); a
 * read that is a statement of its own (`p;`: the value looked at and dropped,
 * typescript-eslint's floating identifier) is not one, and the first such goes to
 * *dropped; nor, for a plain coroutine or promise (`value`: not a task or future, whose
 * methods are theirs), one that only turns it into text (`f"{p}"`, `print(p)`) or reads a
 * member or element off it as if it were the result (`p["id"]`, `p.items`), the first
 * such going to *shown. */
static bool read_later(const ir_file *f, const al_index *idx, const ir_node *fn, const char *var,
                       const ir_node *assign_call, bool value, const ir_node **dropped, const ir_node **shown) {
  bool read = false;
  char mb[64];
  const al_vec *uses = uses_of(var);
  for (size_t i = 0; uses && i < uses->len; i++) {
    const ir_node *n = uses->items[i];
    if (n->span.start < fn->span.start || n->span.end > fn->span.end) continue;
    if (n != assign_call) {
      if (n->use == IR_USE_DISCARDED) {
        if (!*dropped) *dropped = n;
      } else if (value && f->lang != AL_LANG_C &&
                 (al_formatted(f, idx, n) || taken_as_value(f, n) || returned_unawaited(f, n, assign_call) ||
                  (n->use == IR_USE_ACCESSED && !al_own_member(f, al_accessed_member(f, n, mb, sizeof mb))))) {
        if (!*shown) *shown = n;
      } else {
        read = true;
      }
    }
  }
  return read;
}

/* JS `xs.map(async (x) => ...)` / `xs.map((x) => work(x))` / `xs.map(load)` (load async):
 * the mapped function, the call its arrow returns, or the map call itself; NULL when the
 * items are not promises. */
static const ir_node *js_map_element(const ir_file *f, const al_index *idx, const ir_node *c) {
  const al_func_info *callee;
  const al_kb_entry *api;
  if (!al_js_array_map(c) || al_ends_with(c->name, ".flatMap")) return NULL;
  for (const ir_node *fn = c->child; fn; fn = fn->next) {
    if (fn->kind != IR_FUNC || !(fn->flags & IR_F_LAMBDA)) continue;
    if (fn->flags & IR_F_ASYNC) return fn;
    for (const ir_node *r = fn->child; r; r = r->next)
      if (r->kind == IR_CALL && r->use == IR_USE_RETURNED && al_index_call_awaitable(idx, f, r, &callee, &api))
        return r;
    return NULL;
  }
  return c->nargs && c->args[0].text && !(c->args[0].flags & (IR_ARG_LITERAL | IR_ARG_NULL | IR_ARG_SPREAD)) &&
                 al_arg_async_fn(f, idx, c, c->args[0].text)
             ? c
             : NULL;
}

/* The element of a comprehension or map stored in a local is awaitable: Python
 * `[work(x) for x in xs]` / `{create_task(work(x)) for ...}` (the call right after the
 * bracket), JS `xs.map(async (x) => ...)` / `xs.map((x) => work(x))`. Returns the
 * element call (Python, JS expression body) or the mapped function (JS async). */
static const ir_node *awaitable_elements(const ir_file *f, const al_index *idx, const ir_node *assign, bool *task) {
  const char *t = f->src->text;
  const al_func_info *callee;
  const al_kb_entry *api;
  for (const ir_node *c = assign->child; c; c = c->next) {
    if (c->kind != IR_CALL) continue;
    if (assign->flags & IR_F_LITERAL) { /* `[load(a), load(b)]`: an element that is awaitable */
      uint32_t b = c->span.start;
      while (b > assign->span.start && (t[b - 1] == ' ' || t[b - 1] == '\n' || t[b - 1] == '\t' || t[b - 1] == '\r'))
        b--;
      if (b == assign->span.start || (t[b - 1] != '[' && t[b - 1] != ',' && t[b - 1] != '(')) continue;
      if ((*task = al_spawn_dangles(f, c))) return c;
      if (!al_is_spawn(f, c) && al_index_call_awaitable(idx, f, c, &callee, &api)) return c;
      continue;
    }
    const ir_node *m = al_py_async_map(f, idx, c, NULL); /* `map(work, xs)`, `list(map(work, xs))` */
    if (m) return m;
    if (f->lang == AL_LANG_PYTHON) {
      uint32_t b = c->span.start;
      while (b > assign->span.start && (t[b - 1] == ' ' || t[b - 1] == '\n' || t[b - 1] == '\t')) b--;
      if (b == assign->span.start || (t[b - 1] != '[' && t[b - 1] != '{')) continue; /* not the element */
      if ((*task = al_spawn_dangles(f, c))) return c;
      if (al_is_spawn(f, c)) return NULL; /* a group's spawns: the group awaits them */
      if (al_index_call_awaitable(idx, f, c, &callee, &api)) return c;
      continue;
    }
    if (c->use != IR_USE_ASSIGNED) continue;
    const ir_node *el = js_map_element(f, idx, c);
    if (el) return el;
  }
  return NULL;
}

/* Whether the collection var is read in fn in a way that may consume its elements: its
 * size (`xs.length`, `len(xs)`) does not; any other read may. A read standing alone as a
 * statement (`ps;`) does not either: *alone is set to the first such read after `as`
 * (in JavaScript reported even when the array is awaited elsewhere, as for one promise). */
static bool collection_read_later(const ir_file *f, const ir_node *fn, const ir_node *as, const char *var,
                                  const ir_node **alone) {
  const char *t = f->src->text;
  const al_vec *uses = uses_of(var);
  bool read = false;
  *alone = NULL;
  for (size_t i = 0; uses && i < uses->len; i++) {
    const ir_node *n = uses->items[i];
    if (n->span.start < fn->span.start || n->span.end > fn->span.end) continue;
    if (n->use == IR_USE_DISCARDED) {
      if (n->span.start >= as->span.end && (!*alone || n->span.start < (*alone)->span.start)) *alone = n;
      continue;
    }
    uint32_t e = n->span.end;
    if (f->lang == AL_LANG_JS && e + 7 <= f->src->len && !strncmp(t + e, ".length", 7) && !al_ident_char(t[e + 7]))
      continue;
    if (f->lang == AL_LANG_PYTHON && n->parent && n->parent->kind == IR_CALL && n->parent->name &&
        !strcmp(n->parent->name, "len"))
      continue;
    read = true;
  }
  return read;
}

/* A collection of coroutines, tasks or promises stored in a local that is never read. */
static void check_collections(const ir_file *f, const al_index *idx, al_sink *sink) {
  for (ir_node *const *n_at = ir_of_kind(f, IR_ASSIGN); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if (!(n->flags & (IR_F_COMPREHENSION | IR_F_LITERAL)) || !n->name || n->name[0] == '_' ||
        strchr(n->name, '.') || strchr(n->name, '['))
      continue;
    const ir_node *fn = ir_enclosing_func(n);
    bool task = false;
    const ir_node *el = fn ? awaitable_elements(f, idx, n, &task) : NULL;
    const ir_node *alone;
    if (!el || (collection_read_later(f, fn, n, n->name, &alone) && !(alone && f->lang == AL_LANG_JS))) continue;
    if (alone && (n->flags & IR_F_PROMISE_ARRAY)) continue; /* `const ps: Promise<T>[] = ...`: check_promise_params */
    if (alone) /* reported where it looks handled (typescript-eslint: "an array of Promises") */
      al_report(sink, alone, "the %s in `%s` stand alone as a statement: that awaits none of them%s; %s%s%s",
                task ? "tasks" : f->lang == AL_LANG_JS ? "promises" : "coroutines", n->name,
                task ? ", and their results and exceptions are lost"
                     : f->lang == AL_LANG_JS ? ", and their rejections are unhandled" : " (none of them runs)",
                f->lang == AL_LANG_JS ? "await Promise.all(" : "await asyncio.gather(*", n->name, ")");
    else if (task)
      al_report(sink, n, "the tasks in `%s` are never awaited, returned or passed on: their results and exceptions "
                "are lost; await them (asyncio.gather(*%s)) or use a TaskGroup", n->name, n->name);
    else if (f->lang == AL_LANG_JS)
      al_report(sink, n, "the promises in `%s` are never awaited, returned or passed on: their rejections are "
                "unhandled and nothing waits for them; await Promise.all(%s)", n->name, n->name);
    else
      al_report(sink, n, "the coroutines in `%s` (from `%s()`) are never awaited, returned or passed on: none of "
                "them runs; await asyncio.gather(*%s)", n->name,
                el->name && !strcmp(el->name, "map") && el->nargs ? el->args[0].text : al_call_label(f, el), n->name);
  }
}

/* What a loop iterates, when its items are coroutines or promises: `for c in map(work,
 * xs)` (work async), `for c in [work(x) for x in xs]`, or a local the function filled so
 * (`coros = [work(x) for x in xs]; for c in coros:`). Returns the call that makes an item
 * (the map call for map); a collection of tasks is not one (they run anyway). */
static const ir_node *loop_items(const ir_file *f, const al_index *idx, const ir_node *loop) {
  const char *t = f->src->text;
  const al_func_info *callee;
  const al_kb_entry *api;
  bool task = false;
  for (const ir_node *c = loop->child; c && c->span.start < loop->body; c = c->next) {
    if (c->kind == IR_USE && c->name) { /* the local: its last assignment before the loop */
      const ir_node *fn = ir_enclosing_func(loop), *as = NULL;
      if (!fn) return NULL;
      for (const ir_node *n = fn->child; n && n->span.start < loop->span.start; n = ir_next(n, fn))
        if (n->kind == IR_ASSIGN && n->name && !strcmp(n->name, c->name)) as = n;
      if (!as || !(as->flags & (IR_F_COMPREHENSION | IR_F_LITERAL))) return NULL;
      const ir_node *el = awaitable_elements(f, idx, as, &task);
      return task ? NULL : el;
    }
    if (c->kind != IR_CALL || !c->name) continue;
    if (f->lang == AL_LANG_JS) return js_map_element(f, idx, c); /* `for (const p of xs.map(load))` */
    const ir_node *m = al_py_async_map(f, idx, c, NULL);
    if (m) return m;
    /* an element of a comprehension or list in the header: the call right after its bracket */
    uint32_t b = c->span.start;
    while (b > loop->span.start && (t[b - 1] == ' ' || t[b - 1] == '\n' || t[b - 1] == '\t')) b--;
    if (b == loop->span.start || (t[b - 1] != '[' && t[b - 1] != '{' && t[b - 1] != ',' &&
                                  !(t[b - 1] == '(' && loop->name && strstr(loop->name, " for "))))
      return NULL;
    if (al_spawn_dangles(f, c) || al_is_spawn(f, c)) return NULL;
    return al_index_call_awaitable(idx, f, c, &callee, &api) ? c : NULL;
  }
  return NULL;
}

/* A loop over coroutines or promises whose body never awaits, returns or passes on the
 * loop variable: each is made and dropped (printed at most). */
static void check_loop_items(const ir_file *f, const al_index *idx, const ir_node *loop, al_sink *sink) {
  if ((loop->flags & (IR_F_WHILE | IR_F_ASYNC)) || !loop->alias || !loop->body || !al_ident_char(loop->alias[0]))
    return;
  for (const char *p = loop->alias; *p; p++)
    if (!al_ident_char(*p)) return;
  const ir_node *el = loop_items(f, idx, loop);
  if (!el) return;
  const ir_node *dropped = NULL, *shown = NULL;
  if (read_later(f, idx, loop, loop->alias, NULL, true, &dropped, &shown)) return;
  bool js = f->lang == AL_LANG_JS;
  const char *kind = js ? "promises" : "coroutines";
  if (el->kind == IR_FUNC && el->parent && el->parent->kind == IR_CALL) el = el->parent; /* JS: the .map call */
  const char *from = el->kind == IR_CALL && el->name && !strcmp(el->name, "map") && el->nargs ? el->args[0].text
                                                                                              : al_call_label(f, el);
  al_report(sink, shown ? shown : dropped ? dropped : loop,
            "loop variable `%s` holds %s (from `%s()`) that the loop never awaits, returns or passes on%s: %s; "
            "await `%s` in the loop body, or %s", loop->alias, kind, from, shown ? " (it only shows them)" : "",
            js ? "their rejections are unhandled and nothing waits for them" : "none of them runs", loop->alias,
            js ? "await Promise.all() of them" : "await asyncio.gather() of them");
}

/* JS: a parameter or variable typed as a promise (`p: Promise<T>`, `declare const p:
 * Promise<T>`) or an array of them (`ps: Promise<T>[]`) standing alone as a statement. A
 * local in a function assigned a call is the main check's (one report). */
static void check_promise_params(const ir_file *f, al_sink *sink) {
  for (ir_node *const *n_at = ir_of_kind(f, IR_USE); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if (n->use != IR_USE_DISCARDED || !n->name) continue;
    bool array, maybe;
    const ir_node *d = al_promise_or_array_param(f, n, n->name, &array, &maybe);
    if (d && array) {
      al_report(sink, n, "the promises in `%s` (%s typed as an array of promises) stand alone as a statement: "
                "that awaits none of them, and their rejections are unhandled; await Promise.all(%s)", n->name,
                d->kind == IR_FUNC ? "a parameter" : "a variable", n->name);
      continue;
    }
    if (!d) continue;
    if (d->kind == IR_ASSIGN && ir_enclosing_func(d) && d->child && d->child->kind == IR_CALL && !maybe) continue;
    if (maybe) {
      al_report(sink, n, "`%s` (%s typed as a union holding a promise) stands alone as a statement: when it "
                "holds the promise, that does not await it and a rejection is unhandled; await it (`await %s` "
                "waits for a promise and passes any other value through)", n->name,
                d->kind == IR_FUNC ? "a parameter" : "a variable", n->name);
      continue;
    }
    al_report(sink, n, "promise `%s` (%s typed as a promise) stands alone as a statement: that does not await it; "
              "await it", n->name, d->kind == IR_FUNC ? "a parameter" : "a variable");
  }
}

/* JS: `obj.user;` alone, where obj is an object literal whose `user` is a promise
 * (`const obj = { user: load(id) }`): typescript-eslint's floating member. */
static void check_member_statement(const ir_file *f, const al_index *idx, const ir_node *n, al_sink *sink) {
  const ir_node *v = al_literal_member_call(f, n, n->name, n->member, strlen(n->member));
  const al_func_info *callee;
  const al_kb_entry *api;
  if (!v || !al_index_call_awaitable(idx, f, v, &callee, &api)) return;
  al_report(sink, n, "promise `%s.%s` (from `%s%s%s`) stands alone as a statement: that does not await it, and "
            "a rejection is unhandled; await it", n->name, n->member, (v->flags & IR_F_NEW) ? "new " : "",
            al_call_label(f, v), al_call_parens(v));
}

/* Python: every read of the task var in fn is as the receiver of a method that does not
 * keep it (knowledge `task_non_owning`: `task.add_done_callback(cb)`, `task.set_name(n)`):
 * only the local holds it, and the loop holds tasks weakly. */
static bool non_owning_call(const al_kb *kb, const ir_node *c, const char *var) {
  const char *dot = c && c->kind == IR_CALL && c->name ? strrchr(c->name, '.') : NULL;
  return dot && c->child && c->child->kind == IR_USE && c->child->name && !strcmp(c->child->name, var) &&
         c->child->span.start == c->span.start && al_kb_find(kb, "task_non_owning", dot + 1);
}

/* ... and the function ends there: after the task is made nothing is awaited and nothing
 * else is called (a later await, or a call that runs the loop, keeps the frame — and the
 * local — alive while the task runs). Calls inside nested functions (the callbacks) do
 * not run here. */
static bool only_non_owning_reads(const ir_file *f, const ir_node *fn, const ir_node *made, const char *var) {
  const al_kb *kb = al_kb_for(f->lang);
  bool any = false;
  /* from the node after the task's making on (in pre-order, what is before it starts earlier) */
  for (const ir_node *n = ir_next_skip(made, fn); n; n = n->kind == IR_FUNC ? ir_next_skip(n, fn) : ir_next(n, fn)) {
    if (n->span.start < made->span.end) continue; /* (a node of the statement around it) */
    if (n->kind == IR_AWAIT) return false;
    if (n->kind == IR_CALL && !non_owning_call(kb, n, var)) return false;
    if (n->kind != IR_USE || !n->name || strcmp(n->name, var)) continue;
    if (!non_owning_call(kb, n->parent, var)) return false;
    any = true;
  }
  return any;
}

static void check_file(const ir_file *f, const al_index *idx, al_sink *sink);

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  uses_memo.f = f;
  uses_memo.built = false;
  check_file(f, idx, sink);
  al_map_each(&uses_memo.map, uses_free_one, NULL);
  al_map_free(&uses_memo.map);
  memset(&uses_memo, 0, sizeof uses_memo);
}

/* Python: the indentation of the line starting at `ls` (-1 for a blank or comment line). */
static int py_indent(const char *t, uint32_t ls, uint32_t len) {
  uint32_t e = ls;
  while (e < len && (t[e] == ' ' || t[e] == '\t')) e++;
  return e >= len || t[e] == '\n' || t[e] == '\r' || t[e] == '#' ? -1 : (int)(e - ls);
}

/* The start of the line before the one starting at ls (ls itself at the file's start). */
static uint32_t prev_line(const char *t, uint32_t ls) {
  if (!ls) return 0;
  uint32_t p = ls - 1;
  while (p && t[p - 1] != '\n') p--;
  return p;
}

/* Python: every read of the coroutine local `var` (assigned by the call `as`) sits in the
 * block of one `if` statement after it, at the assignment's own level: on the path that
 * skips the block (an `elif` or `else` of it included) the coroutine is never awaited (`coro =
 * fetch(); if flag: await coro`). Returns the start of that `if` line, or UINT32_MAX. Not
 * when a read is anywhere else, in a nested function, when the condition names the
 * variable (`if coro is not None:`), or the local is bound again. */
static uint32_t awaited_in_one_branch(const ir_file *f, const ir_node *fn, const ir_node *as, const char *var,
                                      uint32_t *header_end) {
  const char *t = f->src->text;
  uint32_t len = f->src->len, header = UINT32_MAX;
  uint32_t als = al_line_start(f, as->span.start);
  int ind = py_indent(t, als, len);
  if (ind < 0) return UINT32_MAX;
  const al_vec *uses = uses_of(var);
  size_t n = 0;
  for (size_t i = 0; uses && i < uses->len; i++) {
    const ir_node *u = uses->items[i];
    if (u->span.start < fn->span.start || u->span.end > fn->span.end) continue;
    if (u->span.start < as->span.end || ir_enclosing_func(u) != fn) return UINT32_MAX;
    uint32_t ls = al_line_start(f, u->span.start), h = UINT32_MAX;
    for (uint32_t l = ls; l > als; l = prev_line(t, l)) { /* up to the line at the assignment's level */
      int k = py_indent(t, l, len);
      if (k < 0 || k > ind) continue;
      if (k < ind || l == ls) return UINT32_MAX; /* outside the block, or a read at its level */
      h = l;
      break;
    }
    if (h == UINT32_MAX || (header != UINT32_MAX && h != header)) return UINT32_MAX;
    header = h;
    n++;
  }
  if (!n || strncmp(t + header + ind, "if ", 3)) return UINT32_MAX;
  /* the condition does not name the variable; the header ends the line (`if c: await x` on one line is left alone) */
  uint32_t e = header + (uint32_t)ind;
  while (e < len && t[e] != '\n') e++;
  uint32_t end = e;
  while (end > header && (t[end - 1] == ' ' || t[end - 1] == '\r')) end--;
  if (end > header && t[end - 1] != ':') { /* `if flag:  # why` */
    const char *hash = memrchr(t + header, '#', end - header);
    if (hash) {
      end = (uint32_t)(hash - t);
      while (end > header && (t[end - 1] == ' ' || t[end - 1] == '\t')) end--;
    }
  }
  if (end == header || t[end - 1] != ':') return UINT32_MAX;
  *header_end = end;
  size_t vl = strlen(var);
  for (uint32_t p = header + (uint32_t)ind + 3; p + vl <= end; p++)
    if (!strncmp(t + p, var, vl) && !al_ident_char(t[p + vl]) && (p == 0 || !al_ident_char(t[p - 1])))
      return UINT32_MAX;
  /* (an `elif` or `else` after the block reads nothing of var — every read is in this
   * block — so on its path the coroutine is dropped as well); var not bound again */
  size_t nb;
  const ir_binding *b = ir_bindings_of(f, var, strlen(var), &nb);
  for (size_t i = 0; i < nb; i++) /* bound again after it (assigned, a loop's or a `with`'s target) */
    if (b[i].n->span.start >= as->span.end && ir_enclosing_func(b[i].n) == fn) return UINT32_MAX;
  return header;
}

static void check_file(const ir_file *f, const al_index *idx, al_sink *sink) {
  if (f->lang != AL_LANG_C) check_collections(f, idx, sink);
  if (f->lang == AL_LANG_JS) check_promise_params(f, sink);
  ir_kinds_iter n_it = ir_kinds(f, IR_KINDS(IR_LOOP, IR_USE, IR_CALL));
  for (const ir_node *n; (n = ir_kinds_next(&n_it));) {
    if (n->kind == IR_LOOP && f->lang != AL_LANG_C) check_loop_items(f, idx, n, sink);
    if (n->kind == IR_USE && n->name && n->member && f->lang == AL_LANG_JS) check_member_statement(f, idx, n, sink);
    if (n->kind != IR_CALL || n->use != IR_USE_ASSIGNED || !n->alias || strchr(n->alias, '.')) continue;
    if (!strcmp(n->alias, "_") || n->alias[0] == '_' || strchr(n->alias, '[')) continue; /* deliberately unused */
    const ir_node *fn = ir_enclosing_func(n);
    if (!fn) continue; /* module globals are read elsewhere */
    const al_func_info *callee;
    const al_kb_entry *api;
    bool task = al_spawn_dangles(f, n);
    if (!task && !al_index_call_awaitable(idx, f, n, &callee, &api)) continue;
    /* a nonlocal/global declaration or a read in a nested function counts: the
     * USE search covers the whole enclosing function including nested ones */
    const ir_node *dropped = NULL, *shown = NULL;
    /* JS: `p;` as a statement is a floating promise even when p is awaited elsewhere
     * (typescript-eslint no-floating-promises); Python: a later await runs it */
    /* (a decorated function may return something else: `@async_generator`) */
    bool value = !task && (callee ? !(callee->func->flags & IR_F_DECORATED) : !al_kb_attr_is(api, "kind", "future"));
    if (read_later(f, idx, fn, n->alias, n, value, &dropped, &shown) && !(f->lang == AL_LANG_JS && dropped && dropped->span.start > n->span.start)) {
      uint32_t he = 0;
      uint32_t h = value && f->lang == AL_LANG_PYTHON && !shown && !dropped && n->parent && n->parent->kind == IR_ASSIGN
                       ? awaited_in_one_branch(f, fn, n, n->alias, &he) : UINT32_MAX;
      if (h != UINT32_MAX) {
        const char *hs = f->src->text + h + strspn(f->src->text + h, " \t");
        int hl = (int)(f->src->text + he - hs);
        al_report(sink, n, "coroutine `%s` from `%s%s` is used only inside `%.*s` (line %u): when that does not "
                  "hold, it is never awaited and never runs (\"coroutine ... was never awaited\"); create it inside "
                  "that branch, or close() it on the other path", n->alias, al_call_label(f, n), al_call_parens(n),
                  hl > 60 ? 60 : hl, hs, al_source_line_of(f->src, h));
        continue;
      }
      if (task && f->lang == AL_LANG_PYTHON && only_non_owning_reads(f, fn, n, n->alias))
        al_report(sink, n, "task `%s` from `%s()` is held only by this local: `%s.add_done_callback()` and the like "
                  "do not keep it, and the event loop holds tasks weakly, so it can be garbage-collected before it "
                  "finishes; keep a reference (a module-level set, with `add_done_callback(tasks.discard)`) or await "
                  "it", n->alias, al_call_label(f, n), n->alias);
      continue;
    }
    if (shown && shown->use == IR_USE_ACCESSED) {
      char mb[64];
      const char *m = al_accessed_member(f, shown, mb, sizeof mb);
      al_report(sink, shown, "%s `%s` (from `%s%s%s`) is used as its %s (%s%s%s on it) but never awaited: that reads "
                "the %s, not what it %s; await it first: `(await %s)`", f->lang == AL_LANG_JS ? "promise" : "coroutine",
                n->alias, (n->flags & IR_F_NEW) ? "new " : "", al_call_label(f, n), al_call_parens(n),
                f->lang == AL_LANG_JS ? "value" : "result", *m == '[' || !*m ? "`" : "`.",
                *m == '[' ? "[...]" : *m ? m : "destructuring", "`",
                f->lang == AL_LANG_JS ? "promise (undefined, or a TypeError)" : "coroutine object (AttributeError/TypeError)",
                f->lang == AL_LANG_JS ? "resolves to, and a rejection is unhandled" : "returns, and it never runs",
                n->alias);
    } else if (shown && shown->parent && shown->parent->kind == IR_RETURN) {
      const ir_node *encl = ir_enclosing_func(shown);
      al_report(sink, shown, "coroutine `%s` (from `%s()`) is returned from async function `%s` without await: "
                "`await %s()` then gives the coroutine, not its result, and it may never run; `return await %s`",
                n->alias, al_call_label(f, n), encl && encl->name ? encl->name : "?",
                encl && encl->name ? encl->name : "?", n->alias);
    } else if (shown && taken_as_value(f, shown)) {
      al_report(sink, shown, "%s `%s` (from `%s%s%s`) is passed to `%s()` but never awaited: it gets the %s, not its "
                "%s; await it first: `%s(await %s)`", f->lang == AL_LANG_JS ? "promise" : "coroutine", n->alias,
                (n->flags & IR_F_NEW) ? "new " : "", al_call_label(f, n), al_call_parens(n), shown->parent->name,
                f->lang == AL_LANG_JS ? "promise (a wrong answer, or a TypeError)" : "coroutine object (TypeError)",
                f->lang == AL_LANG_JS ? "value, and a rejection is unhandled" : "result, and it never runs",
                shown->parent->name, n->alias);
    } else if (shown) {
      al_report(sink, shown, "%s `%s` (from `%s%s%s`) is only turned into text, never awaited: it shows as %s "
                "instead of its %s; await it", f->lang == AL_LANG_JS ? "promise" : "coroutine", n->alias,
                (n->flags & IR_F_NEW) ? "new " : "", al_call_label(f, n), al_call_parens(n),
                f->lang == AL_LANG_JS ? "`[object Promise]` (or `{}`, `Promise { <pending> }`)" : "`<coroutine object ...>`",
                f->lang == AL_LANG_JS ? "value, and a rejection is unhandled" : "result, and it never runs");
    } else if (dropped) {
      const char *what = task ? "task" : f->lang == AL_LANG_JS ? "promise" : f->lang == AL_LANG_C ? "future" : "coroutine";
      al_report(sink, dropped, "%s `%s` (from `%s%s%s`) stands alone as a statement: that does not await it; %s",
                what, n->alias, (n->flags & IR_F_NEW) ? "new " : "", al_call_label(f, n), al_call_parens(n),
                f->lang != AL_LANG_C           ? "await it"
                : al_c_reference_future(f, n) ? "pass it to rt_await()"
                                               : "wait for it with its runtime's await or join");
    } else if (task)
      al_report(sink, n, "task `%s` from `%s()` is stored but never awaited, returned or passed on: "
                "its result and exception are lost; await it (or keep it where it is awaited later)",
                n->alias, al_call_label(f, n));
    else if (f->lang == AL_LANG_C)
      al_report(sink, n, "future `%s` from `%s()` is stored but never awaited or passed on: its result and error "
                "are lost%s", n->alias, al_call_label(f, n),
                al_c_reference_future(f, n) ? " (the runtime reports it dropped); pass it to rt_await()"
                                            : "; wait for it with its runtime's await or join");
    else if (f->lang == AL_LANG_JS)
      al_report(sink, n, "promise `%s` from `%s%s()` is stored but never awaited, returned or passed on: its "
                "rejection is unhandled and nothing waits for it; await it", n->alias, (n->flags & IR_F_NEW) ? "new " : "",
                al_call_label(f, n));
    else if (!callee && al_kb_attr_is(api, "kind", "future"))
      al_report(sink, n, "future `%s` from `%s()` is stored but never awaited, returned or passed on: the work "
                "runs, but its result and exception are lost; await it", n->alias, al_call_label(f, n));
    else
      al_report(sink, n, "coroutine `%s` from `%s%s` is stored but never awaited, returned or passed on: "
                "it never runs; await it", n->alias, al_call_label(f, n), al_call_parens(n));
  }
}

const al_rule rule_al103 = {
    .code = "AL103",
    .name = "stored-unawaited",
    .family = AL_FAMILY_MISSING_AWAIT,
    .langs = AL_LANGS_ALL,
    .severity = AL_SEV_ERROR,
    .summary = "a coroutine or task is stored in a local and never awaited, returned or passed on",
    .fix = AL_FIX_NONE,
    .check = check,
};
