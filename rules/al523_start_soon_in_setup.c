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
  if (inner && inner->name && (!strcmp(inner->name, "functools.partial") || !strcmp(inner->name, "partial")))
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
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    if (n->kind != IR_CALL || !n->name || !n->text) continue;
    size_t len = strlen(n->text);
    if (len < 11 || strcmp(n->text + len - 11, ".start_soon")) continue;
    const ir_node *fn = al_real_func(n);
    if (!fn || !(fn->flags & IR_F_ASYNC) || !fn->name) continue;
    const char *dot = strrchr(fn->name, '.');
    bool aenter = (fn->flags & IR_F_METHOD) && dot && !strcmp(dot + 1, "__aenter__");
    bool setup = (fn->flags & IR_F_GENERATOR) && al_py_generator_managed(f, fn) &&
                 al_yield_in(f, fn, fn->body ? fn->body : fn->span.start, n->span.start) == UINT32_MAX;
    if (!aenter && !setup) continue;
    const char *text = started_text(f, n);
    if (!text || !startable(f, idx, n, text)) continue;
    al_fix *fx = NULL;
    uint32_t open = al_callee_end(f, n);
    if (n->use == IR_USE_DISCARDED && open >= 10 && !memcmp(f->src->text + open - 10, "start_soon", 10)) {
      fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "await `start()`");
      al_fix_add(fx, n->span.start, n->span.start, "await ");
      al_fix_add(fx, open - 10, open, "start");
    }
    char recv[128];
    snprintf(recv, sizeof recv, "%.*s", (int)(len - 11), n->text);
    al_report_fix(sink, n, fx, "`%s(%s)` in `%s`%s does not wait for `%s` to start: it reports when it is ready "
                  "(task_status.started()), but start_soon only schedules it, so the caller's `async with` block "
                  "runs before it is (a start-up race that fails under load); use `await %s.start(%s)`",
                  n->text, text, fn->name, aenter ? "" : " before its yield", text, recv, text);
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
