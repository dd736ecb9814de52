/* AL404 unshielded-cleanup: an `await` in a `finally` block, or in a handler that catches
 * cancellation, without a shield: when the task is being cancelled the cleanup itself
 * is cancelled at that await (always under trio/anyio's level-triggered cancel scopes;
 * under asyncio as soon as a second cancel arrives, e.g. at shutdown), so it never
 * completes. Shields: asyncio.shield(...), trio/anyio CancelScope(shield=True) or
 * move_on_after/fail_after(..., shield=True). A shielded scope needs a timeout too
 * (flake8-async ASYNC102): `CancelScope(shield=True)` without a deadline, and no timeout
 * scope inside it, lets a hung cleanup block cancellation forever. */
#include <string.h>

#include "common.h"

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  const al_kb *kb = al_kb_for(f->lang);
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    /* await points: `await`, and `async with` / `async for` (they await on entry, exit
     * and each step) */
    bool async_stmt = (n->kind == IR_WITH || n->kind == IR_LOOP) && (n->flags & IR_F_ASYNC);
    if (n->kind != IR_AWAIT && !async_stmt) continue;
    if (async_stmt && n->kind == IR_WITH && al_shielded_with(f, n)) continue;
    const ir_node *cleanup = NULL;
    bool shielded = false, timed = false;
    const al_kb_entry *untimed = NULL; /* the shield without a timeout */
    for (const ir_node *p = n->parent; p && p->kind != IR_FUNC; p = p->parent) {
      /* a timeout inside the shield bounds the cleanup; one outside it cannot reach in */
      if (p->kind == IR_WITH && !shielded && al_with_times_out(f, p)) timed = true;
      if (p->kind == IR_WITH && !shielded && al_shielded_with(f, p)) {
        shielded = true;
        if (!timed) untimed = al_with_untimed(f, p);
      }
      /* the cleanup handles its own cancellation: try: await x / except Cancelled: */
      if (p->kind == IR_TRY && !cleanup)
        for (const ir_node *h = p->child; h; h = h->next)
          if (h->kind == IR_HANDLER && h->span.start > n->span.start && al_handler_catches_cancel(f, h, false))
            shielded = true;
      if (p->kind == IR_FINALLY || (p->kind == IR_HANDLER && (al_handler_catches_cancel(f, p, false) ||
                                                              al_handler_catches_cancel(f, p, true)))) {
        cleanup = p;
        break;
      }
    }
    if (!cleanup || (shielded && !untimed)) continue;
    const ir_node *awaited = async_stmt ? NULL : n->child;
    if (awaited && awaited->kind == IR_CALL && awaited->name &&
        (al_kb_match(kb, "shields", awaited->name) || al_kb_match(kb, "cancel_safe_cleanup", awaited->name)))
      continue;
    const ir_node *fn = NULL;
    if (!al_in_async_code(f, n, &fn) || al_expected_to_raise(f, n)) continue;
    const char *lib = al_py_async_lib(f);
    const char *how = !strcmp(lib, "asyncio")
                          ? "wrap it in asyncio.shield() (bounded by asyncio.timeout())"
                          : !strcmp(lib, "trio") ? "run it under `with trio.move_on_after(t, shield=True):`"
                                                 : "run it under `with anyio.move_on_after(t, shield=True):`";
    const char *what = !async_stmt ? "await" : n->kind == IR_WITH ? "async with" : "async for";
    const char *where = cleanup->kind == IR_FINALLY ? "`finally`" : "a cancellation handler";
    if (untimed)
      al_report(sink, n, "`%s` in %s of async function `%s` is shielded without a timeout: if it hangs, nothing "
                "can cancel it and shutdown waits forever; give the scope a deadline (`%s`)", what, where,
                fn && fn->name ? fn->name : "?",
                al_kb_attr(untimed, "use") ? al_kb_attr(untimed, "use") : "move_on_after(t, shield=True)");
    else
      al_report(sink, n, "`%s` in %s of async function `%s` is not shielded: if the task is being cancelled this "
                "cleanup is cancelled too and never completes; %s", what, where, fn && fn->name ? fn->name : "?", how);
  }
}

const al_rule rule_al404 = {
    .code = "AL404",
    .name = "unshielded-cleanup",
    .family = AL_FAMILY_CANCELLATION,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_WARNING,
    .summary = "an await in finally/cancellation cleanup without a shield",
    .fix = AL_FIX_NONE,
    .check = check,
};
