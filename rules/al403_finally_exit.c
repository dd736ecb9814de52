/* AL403 finally-exit: `return`, `break` or `continue` in a `finally` block of async code
 * (leaving the block, not a loop nested in it): it discards the exception in flight,
 * the cancellation included. */
#include "common.h"

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    if (n->kind != IR_RETURN && n->kind != IR_BREAK && n->kind != IR_CONTINUE) continue;
    const ir_node *fin = NULL;
    for (const ir_node *p = n->parent; p && p->kind != IR_FUNC; p = p->parent) {
      if (p->kind == IR_LOOP && n->kind != IR_RETURN) break; /* break/continue of an inner loop */
      if (p->kind == IR_FINALLY) {
        fin = p;
        break;
      }
    }
    const ir_node *fn = NULL;
    if (!fin || !al_in_async_code(f, n, &fn)) continue;
    const char *what = n->kind == IR_RETURN ? "return" : n->kind == IR_BREAK ? "break" : "continue";
    if (f->lang == AL_LANG_JS)
      al_report(sink, n, "`%s` in `finally` of %s discards the exception in flight, an AbortError included: an "
                "aborted operation looks like a normal completion; move it out of the finally block",
                what, al_context_label(fn));
    else
      al_report(sink, n, "`%s` in `finally` of async function `%s` discards the exception in flight, cancellation "
                "included: a cancelled task finishes normally; move it out of the finally block",
                what, fn && fn->name ? fn->name : "?");
  }
}

const al_rule rule_al403 = {
    .code = "AL403",
    .name = "finally-exit",
    .family = AL_FAMILY_CANCELLATION,
    .langs = (1u << AL_LANG_PYTHON) | (1u << AL_LANG_JS),
    .severity = AL_SEV_ERROR,
    .summary = "return/break/continue in a finally block of async code swallows cancellation",
    .fix = AL_FIX_NONE,
    .check = check,
};
