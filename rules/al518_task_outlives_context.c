/* AL518 task-outlives-context: a task started in an outer task group (nursery, anyio
 * task group, asyncio.TaskGroup) is handed a resource bound by a `with` nested inside
 * the group's block: `async with open_nursery() as n: with open(p) as fh:
 * n.start_soon(use, fh)`. The task runs after the inner block has exited — the group
 * waits for it at its own exit — so it uses a closed file, connection or session
 * (flake8-async ASYNC111). Knowledge `task_groups` names the groups. */
#include <string.h>

#include "common.h"

/* A name bound by with w that the spawn call passes on (its arguments, or those of
 * calls inside them: `create_task(fetch(s))`); written to out. */
static bool passes_bound(const ir_node *w, const ir_node *call, char *out, size_t cap) {
  for (const char *a = w->alias; a && *a;) {
    size_t nl = strcspn(a, ",");
    if (nl && nl < cap) {
      memcpy(out, a, nl);
      out[nl] = 0;
      for (uint32_t i = 0; i < call->nargs; i++)
        if (al_text_mentions(call->args[i].text, out)) return true;
      for (const ir_node *c = call->child; c; c = ir_next(c, call))
        for (uint32_t i = 0; c->kind == IR_CALL && i < c->nargs; i++)
          if (al_text_mentions(c->args[i].text, out)) return true;
    }
    a += nl + (a[nl] == ',');
  }
  return false;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  if (f->lang != AL_LANG_PYTHON) return;
  for (ir_node *const *n_at = ir_of_kind(f, IR_CALL); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if (!n->nargs || !al_is_spawn(f, n) || al_spawn_dangles(f, n)) continue;
    /* the nearest enclosing task group, and the aliased withs between it and the call */
    const ir_node *group = NULL;
    for (const ir_node *p = n->parent; p && p->kind != IR_FUNC && !group; p = p->parent)
      if (al_py_task_group_with(f, p)) group = p;
    if (!group) continue;
    char bound[96];
    for (const ir_node *p = n->parent; p != group; p = p->parent) {
      if (p->kind != IR_WITH || !p->alias || !passes_bound(p, n, bound, sizeof bound)) continue;
      al_report(sink, n, "`%s()` hands `%s` (bound by the `with` at line %u) to a task of the task group opened at "
                "line %u: the task runs after that `with` has exited — the group waits for it only at its own "
                "end — so it uses a closed resource; open the task group inside the `with`, or let the task "
                "open what it needs", al_call_label(f, n), bound, p->span.line, group->span.line);
      break;
    }
  }
}

const al_rule rule_al518 = {
    .code = "AL518",
    .name = "task-outlives-context",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_ERROR,
    .summary = "a task of an outer task group is handed a resource of a with block it outlives",
    .fix = AL_FIX_NONE,
    .check = check,
};
