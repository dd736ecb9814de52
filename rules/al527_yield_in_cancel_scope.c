/* AL527 yield-in-cancel-scope: a generator (async or not) that yields inside a cancel
 * scope or a task group — `async with asyncio.timeout()`, `with trio.move_on_after()`,
 * `trio.CancelScope()`, `async with trio.open_nursery()` / `asyncio.TaskGroup()`
 * (knowledge `timeout_scopes`, `task_groups`). While the generator is suspended at the
 * yield, the scope still belongs to the task, which now runs the consumer's code: the
 * scope's timeout, or a failing child of the group, cancels whatever the consumer is
 * awaiting, and trio/anyio find their cancel-scope stack corrupted when the scope exits
 * in another frame (flake8-async ASYNC101). Not reported in generators decorated as
 * context managers or fixtures (knowledge `generator_managers`): their decorator resumes
 * them in the same frame of the same task. */
#include <stdio.h>
#include <string.h>

#include "common.h"

static bool scope_with(const ir_file *f, const ir_node *w) { return al_py_cancel_scope_item(f, w) != NULL; }

static void report(const ir_file *f, const ir_node *fn, const ir_node *w, const ir_node *y, void *sink) {
  char scope[128];
  snprintf(scope, sizeof scope, "%s", al_py_cancel_scope_item(f, w));
  bool group = al_py_task_group_with(f, w);
  al_report(sink, y, "%sgenerator `%s` yields inside `%s%s` (line %u): while it is suspended there, the %s "
            "still covers the task, now running the consumer's code — %s cancels whatever the consumer "
            "awaits instead of the generator's work (trio and anyio: \"cancel scope stack corrupted\"); keep "
            "the yield outside the block (%s inside the generator, then yield), or make the generator a "
            "context manager (%s)",
            (fn->flags & IR_F_ASYNC) ? "async " : "", fn->name ? fn->name : "?", scope,
            strchr(scope, '(') ? "" : "()", (unsigned)w->span.line, group ? "task group" : "cancel scope",
            group ? "a failing child task" : "its timeout", group ? "run the tasks to the end" : "time out each step",
            (fn->flags & IR_F_ASYNC) ? "@asynccontextmanager" : "@contextmanager");
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  al_each_yield_in_with(f, false, scope_with, report, sink);
}

const al_rule rule_al527 = {
    .code = "AL527",
    .name = "yield-in-cancel-scope",
    .family = AL_FAMILY_CANCELLATION,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_ERROR,
    .summary = "a generator yields inside a cancel scope or task group, which then cancels the consumer's code",
    .fix = AL_FIX_NONE,
    .check = check,
};
