/* AL505 timeout-without-await: a timeout or cancel scope (`async with asyncio.timeout()`,
 * `with trio.move_on_after()`, `anyio.fail_after()`, `CancelScope()`; knowledge
 * `timeout_scopes`) whose body never awaits: cancellation is only delivered at await
 * points, so the timeout can never fire and the scope does nothing. */
#include <string.h>

#include "common.h"

static bool is_scope(const ir_file *f, const char *item, void *ctx) {
  (void)ctx;
  return al_kb_find(al_kb_for(f->lang), "timeout_scopes", item) != NULL;
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
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    if (n->kind != IR_WITH) continue;
    const char *item = al_list_find(f, n->name, ",", is_scope, NULL);
    if (!item || body_awaits(n)) continue;
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
