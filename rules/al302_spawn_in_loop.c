/* AL302 unbounded-spawn: a task started per item inside a for loop over a collection
 * that is not provably small (create_task, TaskGroup.create_task, nursery.start_soon),
 * with no limiter acquired around the work and no batching in the loop. A `.forEach`
 * callback (JS) and a while loop draining a collection count as loops over it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"

/* The coroutine function a spawn starts: create_task(f(x)) -> the call f(x);
 * start_soon(f, x) -> f by name (resolved like a call in this file). */
static bool spawned_work_limited(const ir_file *f, const al_index *idx, const ir_node *spawn) {
  for (const ir_node *c = spawn->child; c; c = c->next)
    if (c->kind == IR_CALL && al_callee_limited(f, idx, c)) return true;
  if (spawn->nargs && spawn->args[0].text && !(spawn->args[0].flags & IR_ARG_KEYWORD)) {
    ir_node fake = {.kind = IR_CALL, .parent = (ir_node *)spawn, .member = spawn->args[0].text,
                    .name = spawn->args[0].text};
    if (al_callee_limited(f, idx, &fake)) return true;
  }
  return false;
}

/* The spawned function serves a resource (knowledge `per_resource_workers` name hints:
 * `_serve_one_listener`, `listener.serve`): one long-lived task per listener. */
static bool per_resource(const ir_file *f, const ir_node *spawn) {
  const char *target = NULL;
  for (const ir_node *c = spawn->child; c && !target; c = c->next)
    if (c->kind == IR_CALL) target = c->name;
  if (!target && spawn->nargs && !(spawn->args[0].flags & IR_ARG_KEYWORD)) target = spawn->args[0].text;
  const al_kb_section *h = al_kb_section_get(al_kb_for(f->lang), "per_resource_workers");
  if (!target || !h) return false;
  const char *last = strrchr(target, '.');
  last = last ? last + 1 : target;
  for (size_t i = 0; i < h->entries.len; i++)
    if (strstr(last, ((const al_kb_entry *)h->entries.items[i])->name)) return true;
  return false;
}

static bool loop_batches(const ir_file *f, const ir_node *loop) {
  const al_kb *kb = al_kb_for(f->lang);
  for (const ir_node *n = loop->child; n; n = ir_next(n, loop))
    if (n->kind == IR_CALL && n->name && al_kb_match(kb, "gather", n->name)) return true;
  return false;
}

/* The loop waits for an event or a timer between spawns (`await ev.wait()`,
 * `await wait_...()`, `await sleep(...)`): spawning is paced, not a burst. */
static bool loop_paced(const ir_file *f, const ir_node *loop) {
  const al_kb *kb = al_kb_for(f->lang);
  for (const ir_node *n = loop->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, loop) : ir_next(n, loop)) {
    if (n->kind != IR_CALL || n->use != IR_USE_AWAITED || !n->name) continue;
    const char *last = strrchr(n->name, '.');
    last = last ? last + 1 : n->name;
    if (al_starts_with(last, "wait") || al_kb_find(kb, "sleeps", n->name)) {
      if (al_kb_find(kb, "sleeps", n->name) && n->nargs == 1 && n->args[0].text && !strcmp(n->args[0].text, "0"))
        continue; /* sleep(0) only yields */
      return true;
    }
  }
  return false;
}

/* JS has no spawn call: calling an async function starts it. A promise started in the
 * loop and handed on without being awaited (pushed, passed, voided, or a chain handled
 * with .catch(f) or .then(f, g)) is a spawn; a dropped one is AL101's, an awaited one is sequential. */
static bool js_spawn(const ir_file *f, const al_index *idx, const ir_node *n) {
  if (n->use != IR_USE_PASSED && n->use != IR_USE_VOIDED && n->use != IR_USE_DISCARDED) return false;
  const al_func_info *fn;
  const al_kb_entry *api;
  if (!al_index_call_awaitable(idx, f, n, &fn, &api)) return false;
  if (n->use != IR_USE_DISCARDED) return true;
  /* a discarded chain ending in .catch(f) or .then(f, g): handled, but not waited for */
  return n->child && n->child->kind == IR_CALL && n->child->use == IR_USE_CHAINED && n->name &&
         (al_ends_with(n->name, ".catch") ||
          (al_ends_with(n->name, ".then") && n->nargs >= 2 && !(n->args[1].flags & IR_ARG_NULL)));
}

/* The limiter of the library the spawn at n belongs to (`trio.Nursery.start_soon`), else
 * of the one the code around uses (knowledge `limiter_advice`). */
static const char *py_limiter(const ir_file *f, const ir_node *n) {
  const al_kb_entry *e = al_kb_find(al_kb_for(f->lang), "limiter_advice", al_py_async_lib_of(f, n));
  const char *use = e ? al_kb_attr(e, "use") : NULL;
  return use ? use : "a semaphore";
}

static bool name_char(char c) {
  return c == '_' || c == '$' || c == '.' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* The condition names a limiter's counter besides the collection drained (`while
 * (active < max ...)` is caught by its `<` already): `while queue and slots_free()`. */
static bool counts_in_flight(const ir_file *f, const char *cond, const char *coll) {
  const al_kb_section *h = al_kb_section_get(al_kb_for(f->lang), "limiter_name_hints");
  size_t cl = strlen(coll);
  for (const char *p = cond; *p;) {
    if (!name_char(*p)) {
      p++;
      continue;
    }
    size_t n = 0;
    while (name_char(p[n])) n++;
    bool mine = n >= cl && !strncmp(p, coll, cl) && (n == cl || p[cl] == '.');
    for (size_t i = 0; h && !mine && i < h->entries.len; i++) {
      const char *hint = ((const al_kb_entry *)h->entries.items[i])->name;
      size_t hl = strlen(hint);
      for (size_t k = 0; k + hl <= n; k++)
        if (!strncasecmp(p + k, hint, hl)) return true;
    }
    p += n;
  }
  return false;
}

/* A while loop that drains a collection: its condition names `q` and its body takes an
 * item out of it (`while (q.length) ps.push(work(q.shift()))`, `while queue:
 * create_task(work(queue.pop()))`) runs once per item, as a for loop over `q` does. The
 * collection's name into buf; false when the loop is not one, or its condition counts
 * what is in flight (`while (active < max && q.length)`, a limiter's name). */
static bool drains(const ir_file *f, const ir_node *loop, char *buf, size_t cap) {
  const al_kb_section *takes = al_kb_section_get(al_kb_for(f->lang), "drain_takes");
  const char *cond = loop->name;
  if (!cond || !takes || strchr(cond, '<')) return false;
  /* each dotted name of the condition, and each prefix of it (`this.queue.length`:
   * `this.queue` is the collection) */
  for (const char *p = cond; *p;) {
    if (!name_char(*p) || *p == '.' || (*p >= '0' && *p <= '9')) {
      p++;
      continue;
    }
    size_t n = 0;
    while (name_char(p[n])) n++;
    for (size_t end = n; end > 0; end--) {
      if (end < n && p[end] != '.') continue;
      if (end + 32 >= cap) continue; /* room for `.take(` */
      for (size_t t = 0; t < takes->entries.len; t++) {
        memcpy(buf, p, end);
        snprintf(buf + end, cap - end, ".%s(", ((const al_kb_entry *)takes->entries.items[t])->name);
        if (al_code_contains(f, loop->span.start, loop->span.end, buf)) { /* `while ((x = q.shift()))` too */
          buf[end] = 0;
          return !counts_in_flight(f, cond, buf);
        }
      }
    }
    p += n;
  }
  return false;
}

/* JS: a spawn in a callback handed to `xs.forEach(...)` runs once per item of xs. The
 * forEach call (the callback is its child); NULL when fn is no such callback. */
static const ir_node *foreach_call(const ir_file *f, const ir_node *fn) {
  const ir_node *call = fn->parent;
  if (f->lang != AL_LANG_JS || !call || call->kind != IR_CALL || !call->name || !al_ends_with(call->name, ".forEach"))
    return NULL;
  return call;
}

/* Python: `tasks = [tg.create_task(work(x)) for x in xs]` (the TaskGroup idiom) starts
 * every task at once, as a loop does. Left to AL301 when the list is then gathered or
 * waited on (reported there, once). */
static void comprehension_spawn(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  const ir_node *comp = NULL;
  for (const ir_node *p = n->parent; p && p->kind != IR_FUNC && !comp; p = p->parent)
    if (p->kind == IR_ASSIGN && (p->flags & IR_F_COMPREHENSION)) comp = p;
  if (!comp || !comp->member || !comp->name || al_iter_small(f, comp, comp->member)) return;
  if (spawned_work_limited(f, idx, n) || per_resource(f, n)) return;
  const ir_node *fn = al_real_func(comp);
  const ir_node *root = fn ? fn : f->root;
  const al_kb *kb = al_kb_for(f->lang);
  size_t vl = strlen(comp->name);
  for (const ir_node *g = root->child; g; g = ir_next(g, root)) {
    if (g->kind != IR_CALL || !g->name || !al_kb_match(kb, "gather", g->name)) continue;
    for (uint32_t i = 0; i < g->nargs; i++) {
      const char *t = g->args[i].text;
      if (t && !strncmp(t, comp->name, vl) && !t[vl]) return; /* gather(*tasks): AL301 reports it */
    }
  }
  al_report(sink, n,
            "`%s()` in a comprehension over `%s` starts one task per item at once with no limit; acquire %s in "
            "the task, or use a fixed pool of workers",
            al_call_label(f, n), comp->member, py_limiter(f, n));
}

/* C: a call returning a future (the work has started) kept in a variable, an array or a
 * field (`futs[i] = async_fetch(urls[i])`) that the rest of the iteration does not hand to
 * anything (a wait, a list of pending work): every iteration adds one more operation in
 * flight. A declared local (`future_t *f = ...`) is AL103's when it is never used. */
static bool c_future_stored(const ir_file *f, const al_index *idx, const ir_node *n) {
  const al_func_info *fn;
  const al_kb_entry *api;
  if (f->lang != AL_LANG_C || n->use != IR_USE_ASSIGNED || n->alias || !al_index_call_awaitable(idx, f, n, &fn, &api))
    return false;
  const ir_node *loop = n->parent;
  while (loop && loop->kind != IR_FUNC && loop->kind != IR_LOOP) loop = loop->parent;
  char target[128];
  if (!loop || loop->kind != IR_LOOP || !al_c_assign_target(f, n->span.start, target, sizeof target)) return false;
  for (const ir_node *x = loop->child; x; x = ir_next(x, loop))
    if (x->kind == IR_CALL && x != n && x->span.start > n->span.start)
      for (uint32_t i = 0; i < x->nargs; i++)
        if (x->args[i].text && !strcmp(x->args[i].text, target)) return false; /* waited for (or passed on) */
  return true;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  for (ir_node *const *n_at = ir_of_kind(f, IR_CALL); *n_at; n_at++) {
    const ir_node *n = *n_at;
    bool stored_future = false;
    if (f->lang == AL_LANG_JS ? !js_spawn(f, idx, n) : !al_is_spawn(f, n) && !(stored_future = c_future_stored(f, idx, n)))
      continue;
    /* uv_getaddrinfo (an fs request) with a NULL callback is synchronous (AL209): it starts nothing */
    if (f->lang == AL_LANG_C && al_c_sync_without_callback(f, n)) continue;
    /* an argument of a limiter (`limit(() => ...)` is a lambda; `queue.add(p)`) */
    if (f->lang == AL_LANG_JS && n->parent && n->parent->kind == IR_CALL && n->parent->name &&
        al_is_limiter(f, n->parent->name))
      continue;
    const ir_node *loop = NULL, *p = n->parent;
    for (; p && p->kind != IR_FUNC; p = p->parent)
      if (p->kind == IR_LOOP) {
        loop = p;
        break;
      }
    char drained[128];
    const char *over = loop ? loop->name : NULL;
    if (!loop && p && (loop = foreach_call(f, p))) { /* over the receiver: `xs` of xs.forEach */
      size_t rl = strlen(loop->name) - strlen(".forEach");
      if (rl >= sizeof drained) continue;
      memcpy(drained, loop->name, rl);
      drained[rl] = 0;
      over = drained;
    }
    if (!loop && f->lang == AL_LANG_PYTHON) {
      comprehension_spawn(f, idx, sink, n);
      continue;
    }
    if (loop && loop->kind == IR_LOOP && (loop->flags & IR_F_WHILE)) {
      if (!drains(f, loop, drained, sizeof drained)) continue;
      over = drained;
    }
    if (!loop || al_iter_small(f, loop, over)) continue;
    /* a task group opened inside the loop joins its tasks before the next iteration:
     * `for g in groups: async with TaskGroup() as tg: tg.create_task(...)` */
    bool joined = false;
    for (const ir_node *q = n->parent; q && q != loop && !joined; q = q->parent)
      joined = (q->flags & IR_F_ASYNC) && al_py_task_group_with(f, q);
    if (joined) continue;
    /* `async with sem: create_task(work())`: the limiter is released as soon as the task
     * is created, before it runs; it bounds nothing */
    const ir_node *held = NULL;
    for (const ir_node *p = n->parent; p && p != loop && !held; p = p->parent)
      if (p->kind == IR_WITH && al_with_has_limiter(f, p) && !al_has_await(p)) held = p;
    if (held && !spawned_work_limited(f, idx, n)) {
      al_report(sink, n,
                "`%s()` inside `%s` on a `%s` in a loop over `%s`: the limiter is released as soon as the task "
                "is created, before it runs, so it bounds nothing; acquire it inside the task (or release it in a "
                "done callback)",
                al_call_label(f, n), (held->flags & IR_F_ASYNC) ? "async with" : "with",
                held->name ? held->name : "?", over ? over : "?");
      continue;
    }
    if (al_acquires_limiter(f, loop) || spawned_work_limited(f, idx, n) || loop_batches(f, loop) ||
        loop_paced(f, loop) || per_resource(f, n) || al_loop_counts_in_flight(f, loop))
      continue;
    char coll[128];
    if (f->lang == AL_LANG_JS)
      al_report(sink, n,
                "`%s()` inside a loop over `%s` starts one promise per item with no limit; run it through a limiter "
                "(p-limit, p-queue) or process the items in fixed-size chunks",
                al_call_label(f, n), over ? al_loop_over(over, coll, sizeof coll) : "?");
    else if (stored_future)
      al_report(sink, n,
                "`%s()` inside a loop (`%s`) starts one operation per iteration and keeps its future for later, "
                "with no limit on how many are in flight; %s",
                al_call_label(f, n), loop->name ? loop->name : "?",
                al_c_reference_future(f, n) ? "acquire an rt_sem_t before each start (or run the work with "
                                              "rt_gather and a limit)"
                                            : "wait for the oldest one once a fixed number are pending, or "
                                              "bound them with a semaphore");
    else if (f->lang == AL_LANG_C)
      al_report(sink, n,
                "`%s()` inside a loop (`%s`) starts one task/request per iteration with no limit; acquire an "
                "rt_sem_t before each start (or rt_gather with a limit), or cap the requests in flight",
                al_call_label(f, n), loop->name ? loop->name : "?");
    else
      al_report(sink, n,
                "`%s()` inside a loop over `%s` starts one task per item with no limit; acquire %s before "
                "spawning or in the task, or use a fixed pool of workers",
                al_call_label(f, n), over ? over : "?", py_limiter(f, n));
  }
}

const al_rule rule_al302 = {
    .code = "AL302",
    .name = "unbounded-spawn",
    .family = AL_FAMILY_UNBOUNDED_GATHER,
    .langs = AL_LANGS_ALL,
    .severity = AL_SEV_WARNING,
    .summary = "a task per item of a collection that is not provably small, with no limiter",
    .fix = AL_FIX_NONE,
    .check = check,
};
