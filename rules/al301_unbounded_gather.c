/* AL301 unbounded-gather: asyncio.gather(*...)/asyncio.wait(...)/as_completed(...) over
 * a collection that is not provably small, whose work acquires no limiter: every item
 * becomes a task at once (memory, sockets, file descriptors, the remote service). */
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* A call inside `root` (not root itself) that goes through a limiter (`limit(() => ...)`,
 * `queue.add(...)`), hands the work to a bounded pool (knowledge `pooled`:
 * run_in_executor, to_thread), or whose callee acquires a limiter; or one that tears
 * down what is open (knowledge `teardown`, last name component: `c.close()`,
 * `client.destroy(err)`): closing every connection at once is bounded by what was
 * opened, and is how a pool shuts down. */
static bool work_is_limited(const ir_file *f, const al_index *idx, const ir_node *root) {
  const al_kb *kb = al_kb_for(f->lang);
  for (const ir_node *n = root->child; n; n = ir_next(n, root)) {
    if (n->kind != IR_CALL) continue;
    const char *last = n->name ? strrchr(n->name, '.') : NULL;
    if (last && al_kb_find(kb, "teardown", last + 1)) return true;
    if (al_callee_limited(f, idx, n)) return true;
    if (n->nargs && n->name && (!strcmp(n->name, "map") || al_ends_with(n->name, ".map"))) {
      /* map(work, xs) / xs.map(work): the function it maps */
      const al_func_info *fn = al_arg_async_fn(f, idx, n, n->args[0].text);
      if (fn && (fn->flags & AL_FN_LIMITED)) return true;
    }
    if (n->name && al_kb_match(al_kb_for(f->lang), "pooled", n->name)) return true; /* a bounded pool runs it */
    if (al_js_limiter_call(f, n)) return true;
  }
  return false;
}

/* The value appended is a call that spawns (JS: a call known to return a promise,
 * which starts it): AL302 reports it, at the spawn. (The receiver's USE may come first
 * among the children: `pending.add(...)`.) */
static bool spawn_call(const ir_file *f, const al_index *idx, const ir_node *c) {
  if (f->lang != AL_LANG_JS) return al_is_spawn(f, c);
  const al_func_info *fn;
  const al_kb_entry *api;
  return al_index_call_awaitable(idx, f, c, &fn, &api);
}

static bool appends_spawn(const ir_file *f, const al_index *idx, const ir_node *append) {
  const ir_node *c = append->child;
  while (c && c->kind == IR_USE) c = c->next;
  if (c && c->kind == IR_CALL) return spawn_call(f, idx, c);
  /* `t = asyncio.ensure_future(work(u)); pending.add(t)` in the same loop */
  const char *var = append->nargs == 1 ? append->args[0].text : NULL;
  if (!var || !al_is_identifier(var)) return false;
  const ir_node *loop = append->parent;
  while (loop && loop->kind != IR_LOOP && loop->kind != IR_FUNC) loop = loop->parent;
  if (!loop || loop->kind != IR_LOOP) return false;
  for (const ir_node *n = loop->child; n && n->span.start < append->span.start; n = ir_next(n, loop))
    if (n->kind == IR_CALL && n->alias && !strcmp(n->alias, var) && spawn_call(f, idx, n)) return true;
  return false;
}

/* The value appended is an attribute read, no call (`waits.append(conn.closed_future)`,
 * `waits.push(c.closed)`): it collects futures or promises that already exist, and starts
 * nothing per item. */
static bool appends_plain_value(const ir_node *append) {
  if (append->nargs != 1 || !append->args[0].text) return false;
  for (const ir_node *c = append->child; c; c = c->next)
    if (c->kind != IR_USE) return false; /* a call, a function, anything the IR lowered */
  const char *v = append->args[0].text;
  if (strpbrk(v, "([{`'\"") || !*v) return false;
  /* `c.closed`, `c.fut`: an attribute read. (A bare name is unsure: the item of a loop
   * over `ids.map(load)` is work started per item upstream.) Not one of a local the loop
   * made (`const d = Promise.withResolvers(); start(d); waits.push(d.promise)`). */
  size_t hl = strcspn(v, ".");
  if (al_is_identifier(v) || !v[hl]) return false;
  const ir_node *loop = append->parent;
  while (loop && loop->kind != IR_LOOP && loop->kind != IR_FUNC) loop = loop->parent;
  if (!loop || loop->kind != IR_LOOP) return false;
  for (const ir_node *n = loop->child; n && n->span.start < append->span.start; n = ir_next(n, loop))
    if (n->kind == IR_ASSIGN && n->name && strlen(n->name) == hl && !strncmp(n->name, v, hl)) return false;
  return true;
}

/* A Python comprehension whose element makes no call (`[t for t in tasks if not t.done()]`,
 * `[ws.handler_task for ws in conns]`): it collects tasks or values made elsewhere and
 * starts nothing. s: its opening bracket; false when unsure (a call, a string, no `for`). */
static bool element_plain(const char *s, const char *end) {
  if (s >= end || (*s != '[' && *s != '(' && *s != '{')) return false;
  int depth = 0;
  for (const char *p = s + 1; p + 5 <= end; p++) {
    char c = *p;
    if (c == '(' || c == '"' || c == '\'' || c == '#') return false;
    if (c == '[' || c == '{') depth++;
    else if (c == ']' || c == '}') depth--;
    else if (!depth && (c == ' ' || c == '\n' || c == '\t') && !strncmp(p + 1, "for", 3) &&
             (p[4] == ' ' || p[4] == '\n' || p[4] == '\t'))
      return p > s + 1;
    else if (!depth && !strncmp(p, "await", 5)) return false;
  }
  return false;
}

/* The same for the comprehension assigned by ASSIGN n (its value in the source). */
static bool assigned_element_plain(const ir_file *f, const ir_node *n) {
  const char *t = f->src->text, *p = t + n->span.start, *end = t + n->span.end;
  while (p < end && *p != '=') p++;
  for (p++; p < end && (*p == ' ' || *p == '\t'); p++) {}
  return element_plain(p, end);
}

/* What a named collection was built from, in the function around `at`: a comprehension
 * (its iterable) or appends/adds inside a for loop (the loop's iterable). Returns the
 * iterable text, or NULL when the provenance is unknown or provably small. *limited is
 * set when the appended work acquires a limiter, *batched when the loop also gathers. */
/* provenance's step: what n (in root) says the collection var was built from, or NULL. */
static const char *provenance_at(const ir_file *f, const al_index *idx, const ir_node *root, const ir_node *n,
                                 const char *var, const char *append, const char *add, bool *limited) {
  if (n->kind == IR_ASSIGN && n->name && !strcmp(n->name, var) && (n->flags & IR_F_COMPREHENSION) &&
      !al_iter_small(f, n, n->member) && !(f->lang == AL_LANG_PYTHON && assigned_element_plain(f, n))) {
    if (work_is_limited(f, idx, n)) *limited = true;
    return n->member;
  }
  if (n->kind == IR_CALL && n->text && (!strcmp(n->text, append) || !strcmp(n->text, add)) &&
      !appends_spawn(f, idx, n) && !appends_plain_value(n)) {
    /* (appending a task spawned in the loop is AL302's finding, at the spawn) */
    for (const ir_node *p = n->parent; p && p != root; p = p->parent) {
      if (p->kind != IR_LOOP) continue;
      if (!(p->flags & IR_F_WHILE) && !al_iter_small(f, p, p->name)) {
        if (work_is_limited(f, idx, n) || al_acquires_limiter(f, p)) *limited = true;
        return p->name;
      }
      break;
    }
  }
  return NULL;
}

static int cmp_start(const void *a, const void *b) {
  const ir_node *x = *(const ir_node *const *)a, *y = *(const ir_node *const *)b;
  return x->span.start < y->span.start ? -1 : x->span.start > y->span.start;
}

/* What a named collection was built from, in the function around `at`: a comprehension
 * (its iterable) or appends/adds inside a for loop (the loop's iterable). Returns the
 * iterable text, or NULL when the provenance is unknown or provably small. *limited is
 * set when the appended work acquires a limiter, *batched when the loop also gathers. */
static const char *provenance(const ir_file *f, const al_index *idx, const ir_node *at, const char *var,
                              bool *limited) {
  const ir_node *fn = al_real_func(at);
  const ir_node *root = fn ? fn : f->root;
  char *append = al_fmt("%s.%s", var, f->lang == AL_LANG_JS ? "push" : "append"), *add = al_fmt("%s.add", var);
  const char *found = NULL;
  if (root->span.end - root->span.start <= IR_SCAN_BYTES) {
    for (const ir_node *n = root->child; n && !found; n = ir_next(n, root))
      found = provenance_at(f, idx, root, n, var, append, add, limited);
  } else { /* a big root (a function of 30,000 gathers): its assignments and growing calls of var, in order */
    size_t na, ng;
    const ir_binding *b = ir_bindings_of(f, var, strlen(var), &na);
    const ir_node *const *g = al_growth_calls(f, var, &ng);
    const ir_node **cand = al_malloc((na + ng + 1) * sizeof *cand);
    size_t k = 0;
    for (size_t i = 0; i < na; i++)
      if (b[i].n->kind == IR_ASSIGN && ir_within(b[i].n, root)) cand[k++] = b[i].n;
    for (size_t i = 0; i < ng; i++)
      if (ir_within(g[i], root)) cand[k++] = g[i];
    if (k > 1) qsort(cand, k, sizeof *cand, cmp_start);
    for (size_t i = 0; i < k && !found; i++) found = provenance_at(f, idx, root, cand[i], var, append, add, limited);
    free(cand);
  }
  free(append);
  free(add);
  return found;
}

/* C: rt_gather(fns, args, n, 0, deadline): limit 0 means all n at once. */
static void check_c(const ir_file *f, al_sink *sink) {
  const al_kb *kb = al_kb_for(f->lang);
  for (ir_node *const *n_at = ir_of_kind(f, IR_CALL); *n_at; n_at++) {
    const ir_node *n = *n_at;
    const al_kb_entry *e = n->name ? al_kb_find(kb, "gather", n->name) : NULL;
    const char *ca = e ? al_kb_attr(e, "count_arg") : NULL, *la = e ? al_kb_attr(e, "limit_arg") : NULL;
    if (!ca || !la) continue;
    uint32_t ci = (uint32_t)strtoul(ca, NULL, 10), li = (uint32_t)strtoul(la, NULL, 10);
    if (ci >= n->nargs || li >= n->nargs || !n->args[li].text || strcmp(n->args[li].text, "0")) continue;
    char *bound = al_fmt("i < %s", n->args[ci].text ? n->args[ci].text : "?");
    bool small = al_iter_small(f, n, bound);
    free(bound);
    if (small) continue;
    al_report(sink, n, "`%s()` over `%s` items with limit 0 runs them all at once; pass a limit", al_call_label(f, n),
              n->args[ci].text ? n->args[ci].text : "?");
  }
}

/* JS `pMap(xs, fn)` (knowledge `mappers`): fn runs over every item of xs at once unless
 * the options give the limit (`{ concurrency: 8 }`). Options held in a variable may give
 * it: only an object literal without it, or none, is reported. */
static void unlimited_mapper(const ir_file *f, al_sink *sink, const ir_node *n, const al_kb_entry *e) {
  const char *opt = al_kb_attr(e, "limit_option"), *over = n->args[0].text;
  if (!opt || !over || (n->args[0].flags & IR_ARG_SPREAD)) return;
  for (uint32_t i = 2; i < n->nargs; i++)
    if (!n->args[i].text || n->args[i].text[0] != '{' || strstr(n->args[i].text, opt) || strstr(n->args[i].text, "..."))
      return;
  if (al_iter_small(f, n, over)) return;
  char coll[128];
  al_report(sink, n,
            "`%s()` over `%s` without a `%s` option runs the mapper on every item at once (its default is no "
            "limit): a large input exhausts sockets, memory or the remote service; pass `{ %s: N }`",
            al_call_label(f, n), al_loop_over(over, coll, sizeof coll), opt, opt);
}

/* `Promise.all(xs.map((x) => x.value * 2))`, `gather(*[t for t in tasks])`: the
 * element makes no call (JS: the mapped function is not async and calls nothing), so
 * this starts no work — it waits on values made elsewhere (where a spawn is AL302's). */
static bool maps_to_plain_values(const ir_file *f, const ir_node *gather) {
  if (f->lang == AL_LANG_PYTHON) {
    for (const ir_node *x = gather->child; x; x = ir_next(x, gather))
      if (x->kind == IR_CALL) return false;
    return true;
  }
  for (const ir_node *m = gather->child; m; m = m->next) {
    if (m->kind != IR_CALL) continue;
    for (const ir_node *fn = m->child; fn; fn = fn->next) {
      if (fn->kind != IR_FUNC) continue;
      if (fn->flags & IR_F_ASYNC) return false;
      for (const ir_node *x = fn->child; x; x = ir_next(x, fn))
        if (x->kind == IR_CALL) return false;
      return true;
    }
  }
  return false;
}

/* JS `for await (const r of xs.map(work))`: map has started every promise before the
 * loop takes the first; the loop only awaits them in order. The map call of the loop's
 * header, when the mapped function is async (inline, or a name resolving to one). */
static const ir_node *for_await_map(const ir_file *f, const al_index *idx, const ir_node *loop) {
  if (f->lang != AL_LANG_JS || !(loop->flags & IR_F_ASYNC) || (loop->flags & IR_F_WHILE)) return NULL;
  const ir_node *m = loop->child;
  if (!m || m->kind != IR_CALL || !m->name || !m->nargs || (loop->body && m->span.start >= loop->body) ||
      !al_js_array_map(m))
    return NULL;
  for (const ir_node *fn = m->child; fn; fn = fn->next)
    if (fn->kind == IR_FUNC) return (fn->flags & IR_F_ASYNC) ? m : NULL;
  return al_arg_async_fn(f, idx, m, m->args[0].text) ? m : NULL;
}

/* JS: does map call m make a promise per item? Its function is async, or returns a call
 * known to make a promise (`i => fetchOne(i)`), or is named and resolves to an async one. */
static bool map_makes_promises(const ir_file *f, const al_index *idx, const ir_node *m) {
  for (const ir_node *fn = m->child; fn; fn = fn->next) {
    if (fn->kind != IR_FUNC) continue;
    if (fn->flags & IR_F_ASYNC) return true;
    for (const ir_node *c = fn->child; c; c = c->next) {
      const ir_node *x = c->kind == IR_RETURN ? c->child : c;
      const al_func_info *afn;
      const al_kb_entry *api;
      if (x && x->kind == IR_CALL && x->use == IR_USE_RETURNED && al_index_call_awaitable(idx, f, x, &afn, &api))
        return true;
    }
    return false;
  }
  return m->nargs && al_arg_async_fn(f, idx, m, m->args[0].text);
}

/* JS `const tasks = xs.map(work); for (const t of tasks) await t;`: as `for await` over
 * the map itself, every promise is started before the loop takes the first. The map call
 * assigned to the loop's iterable, earlier in the same function. */
static const ir_node *loop_over_mapped(const ir_file *f, const al_index *idx, const ir_node *loop, al_map *assigns,
                                       bool *built) {
  if (f->lang != AL_LANG_JS || (loop->flags & IR_F_WHILE) || !loop->name || !al_is_identifier(loop->name))
    return NULL;
  const ir_node *fn = al_real_func(loop);
  if (!fn) return NULL;
  if (!*built) { /* the file's assignments by name, in source order (once: a function of many loops stays linear) */
    for (ir_node *const *at = ir_of_kind(f, IR_ASSIGN); *at; at++) {
      if (!(*at)->name || !al_is_identifier((*at)->name)) continue;
      al_vec *v = al_map_get(assigns, (*at)->name);
      if (!v) al_map_put(assigns, (*at)->name, v = al_calloc(1, sizeof *v));
      al_vec_push(v, *at);
    }
    *built = true;
  }
  const al_vec *v = al_map_get(assigns, loop->name);
  const ir_node *found = NULL;
  for (size_t i = 0; v && i < v->len; i++) { /* the last one before the loop, in its function */
    const ir_node *n = v->items[i];
    if (n->span.start >= loop->span.start) break;
    if (al_real_func(n) == fn) found = n;
  }
  if (!found || !(found->flags & IR_F_COMPREHENSION)) return NULL;
  if (!(loop->flags & IR_F_ASYNC)) { /* a loop that awaits nothing lets them float (AL103's) */
    const ir_node *a = loop->child;
    while (a && a->kind != IR_AWAIT) a = ir_next(a, loop);
    if (!a) return NULL;
  }
  const ir_node *m = found->child;
  if (!m || m->kind != IR_CALL || !al_js_array_map(m)) return NULL;
  return map_makes_promises(f, idx, m) ? m : NULL;
}

static void free_assign_list(const char *key, void *val, void *ctx) {
  (void)key, (void)ctx;
  al_vec_free(val);
  free(val);
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  if (f->lang == AL_LANG_C) {
    check_c(f, sink);
    return;
  }
  const al_kb *kb = al_kb_for(f->lang);
  al_map assigns = {0}; /* loop_over_mapped's */
  bool assigns_built = false;
  ir_kinds_iter n_it = ir_kinds(f, IR_KINDS(IR_LOOP, IR_CALL));
  for (const ir_node *n; (n = ir_kinds_next(&n_it));) {
    const ir_node *m = n->kind == IR_LOOP ? for_await_map(f, idx, n) : NULL;
    const ir_node *mapped = n->kind == IR_LOOP && !m ? loop_over_mapped(f, idx, n, &assigns, &assigns_built) : NULL;
    const ir_node *mc = m ? m : mapped;
    if (mc) { /* the collection the map runs over: its receiver (`xs` of `xs.map`) */
      char over[128];
      size_t ol = strlen(mc->name) - (al_ends_with(mc->name, ".flatMap") ? 8 : 4);
      if (ol >= sizeof over) continue;
      memcpy(over, mc->name, ol);
      over[ol] = 0;
      if (al_iter_small(f, m ? n : mc, over) || work_is_limited(f, idx, mc)) continue;
      if (m)
        al_report(sink, m, "`for await` over `%s()` does not bound anything: map starts one promise per item of `%s` "
                  "before the loop takes the first, and the loop only awaits them in order; run the work through a "
                  "limiter (p-limit, p-queue), or await each item's work inside the loop", al_call_label(f, m), over);
      else
        al_report(sink, mapped, "`%s()` starts one promise per item of `%s` at once, before the loop over `%s` (line "
                  "%u) takes the first: the loop only awaits them in order and bounds nothing; run the work through a "
                  "limiter (p-limit, p-queue), or start each item's work inside the loop",
                  al_call_label(f, mapped), over, n->name, n->span.line);
      continue;
    }
    const al_kb_entry *mapper = n->kind == IR_CALL && n->name && n->nargs >= 2 && f->lang == AL_LANG_JS
                                    ? al_kb_find(kb, "mappers", n->name) : NULL;
    if (mapper) {
      unlimited_mapper(f, sink, n, mapper);
      continue;
    }
    if (n->kind != IR_CALL || !n->name || !al_kb_match(kb, "gather", n->name)) continue;
    bool spread_style = f->lang == AL_LANG_PYTHON && !al_ends_with(n->name, ".wait") &&
                        !al_ends_with(n->name, ".as_completed");
    for (uint32_t i = 0; i < n->nargs; i++) {
      const ir_arg *a = &n->args[i];
      if (a->flags & IR_ARG_KEYWORD) continue;
      if (spread_style && !(a->flags & IR_ARG_SPREAD)) continue;
      if (!spread_style && i > 0) break;
      const char *iter = NULL;
      bool limited = false;
      if (a->flags & IR_ARG_COMPREHENSION) {
        if (al_iter_small(f, n, a->iter) || maps_to_plain_values(f, n) ||
            (f->lang == AL_LANG_PYTHON && a->text && element_plain(a->text, a->text + strlen(a->text))))
          continue;
        iter = a->iter ? a->iter : a->text;
        limited = work_is_limited(f, idx, n);
      } else if (a->text) {
        iter = provenance(f, idx, n, a->text, &limited);
      }
      if (!iter || limited) continue;
      char coll[128];
      if (f->lang == AL_LANG_JS)
        al_report(sink, n,
                  "`%s()` over `%s` starts one promise per item at once with no limit: a large input exhausts "
                  "sockets, memory or the remote service; run the work through a limiter (p-limit, p-queue) or in "
                  "fixed-size chunks",
                  al_call_label(f, n), al_loop_over(iter, coll, sizeof coll));
      else
        al_report(sink, n,
                  "`%s()` starts one task per item of `%s` at once with no limit: a large input exhausts memory, "
                  "sockets or the remote service; acquire an asyncio.Semaphore (trio/anyio CapacityLimiter) in the "
                  "work, or gather in fixed-size chunks",
                  al_call_label(f, n), iter);
      break;
    }
  }
  al_map_each(&assigns, free_assign_list, NULL);
  al_map_free(&assigns);
}

const al_rule rule_al301 = {
    .code = "AL301",
    .name = "unbounded-gather",
    .family = AL_FAMILY_UNBOUNDED_GATHER,
    .langs = AL_LANGS_ALL,
    .severity = AL_SEV_WARNING,
    .summary = "gather/wait over a collection that is not provably small, with no concurrency limit",
    .fix = AL_FIX_NONE,
    .check = check,
};
