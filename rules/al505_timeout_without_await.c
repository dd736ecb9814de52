/* AL505 timeout-without-await: a timeout or cancel scope (`async with asyncio.timeout()`,
 * `with trio.move_on_after()`, `anyio.fail_after()`, `CancelScope()`; knowledge
 * `timeout_scopes`) whose body never awaits: cancellation is only delivered at await
 * points, so the timeout can never fire and the scope does nothing. */
#include <stdio.h>
#include <string.h>

#include "common.h"

/* The last scope item of a `with`, and whether any item follows it: in an `async with`,
 * entering a later item awaits inside that scope (ruff and flake8-async count it), so
 * `async with timeout(), TaskGroup(), timeout():` leaves only the last scope empty. */
typedef struct {
  char scope[256];
  bool found, later;
} scope_items;

static bool is_scope(const ir_file *f, const char *item, void *ctx) {
  scope_items *s = ctx;
  if (al_kb_find(al_kb_for(f->lang), "timeout_scopes", item)) {
    snprintf(s->scope, sizeof s->scope, "%s", item);
    s->found = true;
    s->later = false;
  } else if (s->found) {
    s->later = true;
  }
  return false;
}

/* An await point in the body (not counting the scope's own `async with`). */
static bool body_awaits(const ir_node *w) {
  for (const ir_node *n = w->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, w) : ir_next(n, w)) {
    if (n->kind == IR_AWAIT) return true;
    if ((n->kind == IR_LOOP || n->kind == IR_WITH) && (n->flags & IR_F_ASYNC)) return true;
  }
  return false;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  for (ir_node *const *n_at = ir_of_kind(f, IR_WITH); *n_at; n_at++) {
    const ir_node *n = *n_at;
    scope_items items = {.found = false};
    al_list_find(f, n->name, ",", is_scope, &items);
    if (!items.found || body_awaits(n) || (items.later && (n->flags & IR_F_ASYNC))) continue;
    const char *item = items.scope;
    /* a generator that yields inside the scope: the consumer's awaits run within it
     * (an @asynccontextmanager's scope bounds the caller's block) */
    const ir_node *fn = al_real_func(n);
    if (fn && (fn->flags & IR_F_GENERATOR) && al_yield_in(f, fn, n->span.start, n->span.end) != UINT32_MAX) continue;
    /* a sync function may open a scope for async callers (a context factory) */
    if (!al_in_async_code(f, n, NULL)) continue;
    al_report(sink, n, "`%s()` scope contains no await: cancellation is delivered only at await points, so this "
              "timeout can never fire; put the awaits it should bound inside it, or remove it", item);
  }
}

const al_rule rule_al505 = {
    .code = "AL505",
    .name = "timeout-without-await",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_WARNING,
    .summary = "a timeout or cancel scope whose body never awaits",
    .fix = AL_FIX_NONE,
    .check = check,
};
