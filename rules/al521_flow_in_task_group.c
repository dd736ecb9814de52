/* AL521 control-flow-in-task-group: `return`, `break` or `continue` inside the block of a
 * task group (nursery, anyio task group, asyncio.TaskGroup — knowledge `task_groups`)
 * that leaves the block. It does not take effect when it runs: leaving the block waits
 * for every task of the group to finish (it may hang there for as long as they run), and
 * if one of them fails its exception replaces the return or the jump (flake8-async
 * ASYNC121). A `break`/`continue` of a loop inside the block stays inside and is fine.
 * Also the same statements leaving an `except*` block, where a task group's failures
 * are handled: a SyntaxError. */
#include <string.h>

#include "common.h"

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  ir_kinds_iter n_it = ir_kinds(f, IR_KINDS(IR_RETURN, IR_BREAK, IR_CONTINUE));
  for (const ir_node *n; (n = ir_kinds_next(&n_it));) {
    if (n->kind != IR_RETURN && n->kind != IR_BREAK && n->kind != IR_CONTINUE) continue;
    const char *what = n->kind == IR_RETURN ? "return" : n->kind == IR_BREAK ? "break" : "continue";
    /* leaving an `except*` block: a SyntaxError (Python 3.11+) */
    const ir_node *star = NULL;
    for (const ir_node *p = n->parent; p && p->kind != IR_FUNC && !star; p = p->parent) {
      if (p->kind == IR_LOOP && n->kind != IR_RETURN) break;
      if (al_py_star_handler(f, p)) star = p;
    }
    if (star) {
      al_report(sink, n, "`%s` inside the `except*` block at line %u: a SyntaxError (`except*` blocks cannot be left "
                "by break, continue or return) — the module does not import; set a flag and %s after the try",
                what, star->span.line, what);
      continue;
    }
    const ir_node *group = NULL;
    for (const ir_node *p = n->parent; p && p->kind != IR_FUNC && !group; p = p->parent) {
      if (p->kind == IR_LOOP && n->kind != IR_RETURN) break; /* the loop it jumps in is inside */
      if ((p->flags & IR_F_ASYNC) && al_py_task_group_with(f, p)) group = p;
    }
    if (!group) continue;
    al_report(sink, n, "`%s` inside the task group opened at line %u does not take effect until every task of "
              "the group has finished (leaving the block waits for them), and a task's exception replaces it; "
              "cancel the group (`%s.cancel_scope.cancel()` with trio/anyio) or let the tasks end, and %s after "
              "the block", what, group->span.line, group->alias && *group->alias ? group->alias : "nursery", what);
  }
}

const al_rule rule_al521 = {
    .code = "AL521",
    .name = "control-flow-in-task-group",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_WARNING,
    .summary = "return, break or continue leaving a task group's block",
    .fix = AL_FIX_NONE,
    .check = check,
};
