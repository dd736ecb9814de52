/* AL523 start-soon-in-setup: `nursery.start_soon(fn)` / `tg.start_soon(fn)` in the set-up
 * of a context manager — an `__aenter__`, or an @asynccontextmanager / fixture generator
 * before its yield — where fn reports when it is ready (`task_status.started()`: a project
 * function with a `task_status` parameter, or knowledge `startables` such as
 * trio.serve_tcp). start_soon only schedules fn, so the caller's `async with` block runs
 * before fn has bound its port, opened its stream or registered its handler: a start-up
 * race that passes on a fast machine and fails under load. `await nursery.start(fn)`
 * waits for started(). flake8-async ASYNC113. */
#include <stdio.h>
#include <string.h>

#include "common.h"

/* The argument started: the function itself, or the one a functools.partial(fn, ...) wraps. */
static const char *started_text(const ir_file *f, const ir_node *call) {
  if (!call->nargs || (call->args[0].flags & (IR_ARG_KEYWORD | IR_ARG_SPREAD))) return NULL;
  const ir_node *inner = al_arg_call(f, call, 0);
  if (inner && inner->name && al_kb_find(al_kb_for(f->lang), "partials", inner->name))
    return inner->nargs && !(inner->args[0].flags & IR_ARG_KEYWORD) ? inner->args[0].text : NULL;
  return inner ? NULL : call->args[0].text;
}

/* fn, the function a start_soon starts, reports readiness. */
static bool startable(const ir_file *f, const al_index *idx, const ir_node *call, const char *text) {
  const al_func_info *fn = al_ref_fn(f, idx, call, text);
  if (fn) return fn->flags & AL_FN_STARTABLE;
  return al_kb_match(al_kb_for(f->lang), "startables", al_imported_name(f, text)) != NULL;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  const al_kb *kb = al_kb_for(f->lang);
  for (ir_node *const *n_at = ir_of_kind(f, IR_CALL); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if (!n->name || !n->text) continue;
    /* a spawn that does not wait, whose group has a method that does (knowledge `spawn`, `waits`) */
    const al_kb_entry *sp = al_kb_match(kb, "spawn", n->name);
    const char *waits = sp ? al_kb_attr(sp, "waits") : NULL;
    const char *method = strrchr(n->text, '.');
    if (!waits || !method || method == n->text) continue;
    method++;
    const ir_node *fn = al_real_func(n);
    if (!fn || !(fn->flags & IR_F_ASYNC) || !fn->name) continue;
    const char *dot = strrchr(fn->name, '.');
    bool aenter = (fn->flags & IR_F_METHOD) && dot && al_kb_find(kb, "setup_methods", dot + 1);
    bool setup = (fn->flags & IR_F_GENERATOR) && al_py_generator_managed(f, fn) &&
                 al_yield_in(f, fn, fn->body ? fn->body : fn->span.start, n->span.start) == UINT32_MAX;
    if (!aenter && !setup) continue;
    const char *text = started_text(f, n);
    if (!text || !startable(f, idx, n, text)) continue;
    size_t ml = strlen(method);
    al_fix *fx = NULL;
    uint32_t open = al_callee_end(f, n);
    if (n->use == IR_USE_DISCARDED && open >= ml && !memcmp(f->src->text + open - ml, method, ml)) {
      fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "await the starting call that waits");
      al_fix_add(fx, n->span.start, n->span.start, "await ");
      al_fix_add(fx, open - ml, open, waits);
    }
    char recv[128];
    snprintf(recv, sizeof recv, "%.*s", (int)(method - 1 - n->text), n->text);
    al_report_fix(sink, n, fx, "`%s(%s)` in `%s`%s does not wait for `%s` to start: it reports when it is ready "
                  "(task_status.started()), but %s only schedules it, so the caller's `async with` block "
                  "runs before it is (a start-up race that fails under load); use `await %s.%s(%s)`",
                  n->text, text, fn->name, aenter ? "" : " before its yield", text, method, recv, waits, text);
  }
}

const al_rule rule_al523 = {
    .code = "AL523",
    .name = "start-soon-in-setup",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_WARNING,
    .summary = "start_soon of a startable function in a context manager's set-up",
    .fix = AL_FIX_UNSAFE,
    .check = check,
};
