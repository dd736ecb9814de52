/* AL102 dangling-task: the task returned by asyncio.create_task()/ensure_future()/
 * loop.create_task() is dropped. The event loop keeps only a weak reference, so the
 * task can be garbage-collected mid-flight, and its exception is never retrieved.
 * Spawns owned by a TaskGroup or nursery never dangle (knowledge `spawn`). */
#include <string.h>

#include "common.h"

/* C: `s = rt_scope_new()` whose scope is never joined (knowledge `scope_api`) nor handed
 * on (returned, passed to something other than a spawn): its tasks outlive the function. */
static void check_c_scopes(const ir_file *f, al_sink *sink) {
  const al_kb *kb = al_kb_for(f->lang);
  for (ir_node *const *n_at = ir_of_kind(f, IR_CALL); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if (!n->name || n->use != IR_USE_ASSIGNED || !n->alias) continue;
    const al_kb_entry *e = al_kb_find(kb, "scope_api", n->name);
    const char *join = e ? al_kb_attr(e, "join") : NULL;
    const ir_node *fn = ir_enclosing_func(n);
    if (!join || !fn) continue;
    bool kept = false;
    for (const ir_node *u = fn->child; u && !kept; u = ir_next(u, fn)) {
      if (u->kind != IR_USE || !u->name || strcmp(u->name, n->alias)) continue;
      const ir_node *p = u->parent;
      if (p->kind == IR_RETURN || p->kind == IR_ASSIGN) kept = true;
      else if (p->kind == IR_CALL && p->name && (!strcmp(p->name, join) || !al_is_spawn(f, p))) kept = true;
    }
    if (kept) continue;
    al_report(sink, n, "scope `%s` from `%s()` is never joined with %s(): the tasks spawned into it outlive `%s` "
              "and their results and errors are lost", n->alias, al_call_label(f, n), join,
              fn->name ? fn->name : "?");
  }
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  if (f->lang == AL_LANG_C) {
    check_c_scopes(f, sink);
    return;
  }
  for (ir_node *const *n_at = ir_of_kind(f, IR_CALL); *n_at; n_at++) {
    const ir_node *n = *n_at;
    /* `_ = create_task(...)` (the throwaway name, often written to quiet a linter) drops it too */
    bool throwaway = n->use == IR_USE_ASSIGNED && n->alias && !strcmp(n->alias, "_");
    if (n->kind != IR_CALL || (n->use != IR_USE_DISCARDED && !throwaway)) continue;
    /* `create_task(c).add_done_callback(cb)`: a method of the new task, whose result is
     * dropped, drops the task too (its callbacks do not keep it alive) */
    const ir_node *spawn = n, *r = n->child;
    const char *method = NULL;
    if (!throwaway && !al_spawn_dangles(f, n) && r && r->kind == IR_CALL && r->span.start == n->span.start && r->use != IR_USE_DISCARDED &&
        n->name && (method = strrchr(n->name, '.')))
      spawn = r;
    if (!al_spawn_dangles(f, spawn)) continue;
    al_report(sink, spawn,
              "task created by `%s()` is dropped%s%s%s: the event loop keeps only a weak reference, so it can be "
              "garbage-collected before it finishes and its exception is never seen; keep a reference (a set "
              "with add_done_callback(set.discard)) or use asyncio.TaskGroup",
              al_call_label(f, spawn), throwaway ? " (assigned to `_`, a throwaway name)" : "",
              spawn != n ? " after `" : "", spawn != n ? al_arena_fmt((al_arena *)&f->arena, "%s()`", method) : "");
  }
}

const al_rule rule_al102 = {
    .code = "AL102",
    .name = "dangling-task",
    .family = AL_FAMILY_MISSING_AWAIT,
    .langs = (1u << AL_LANG_PYTHON) | (1u << AL_LANG_C),
    .severity = AL_SEV_ERROR,
    .summary = "a task is created and its only reference dropped",
    .fix = AL_FIX_NONE,
    .check = check,
};
