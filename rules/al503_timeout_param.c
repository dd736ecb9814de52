/* AL503 async-timeout-param (opt-in): an async function takes a `timeout` parameter.
 * Callers should bound it with a timeout scope (asyncio.timeout, trio.move_on_after,
 * anyio.fail_after), which composes and cancels cleanly; a parameter needs every layer
 * to pass it on. Methods of classes with bases (overrides) are not reported. */
#include <string.h>

#include "common.h"

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    if (n->kind != IR_FUNC || !(n->flags & IR_F_ASYNC) || (n->flags & IR_F_LAMBDA)) continue;
    if ((n->flags & IR_F_METHOD) && n->parent && (n->parent->flags & IR_F_DERIVED)) continue;
    for (uint32_t i = 0; i < n->nargs; i++) {
      if (!n->args[i].text || strcmp(n->args[i].text, "timeout")) continue;
      al_report(sink, n, "async function `%s` takes a `timeout` parameter: let callers bound it with a timeout "
                "scope (asyncio.timeout / trio.move_on_after / anyio.fail_after) instead", n->name ? n->name : "?");
      break;
    }
  }
}

const al_rule rule_al503 = {
    .code = "AL503",
    .name = "async-timeout-param",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_INFO,
    .summary = "an async function with a timeout parameter instead of a timeout scope",
    .fix = AL_FIX_NONE,
    .opt_in = true,
    .check = check,
};
