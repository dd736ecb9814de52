/* AL403 finally-exit: `return`, `break` or `continue` that leaves a `finally` block (not
 * a loop nested in it), and in JavaScript `throw` too (not of a plain name: that is the
 * deferred re-throw of a caught error): it discards the exception in flight — in async
 * code the cancellation (CancelledError, AbortError) included. Sync code is reported as
 * well (Ruff B012, ESLint no-unsafe-finally): the exception lost there may be a
 * KeyboardInterrupt, or an error a caller was about to handle. A Python `raise` in
 * finally is not reported: the original stays as its __context__. */
#include "common.h"

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  ir_kinds_iter n_it = ir_kinds(f, IR_KINDS(IR_RETURN, IR_BREAK, IR_CONTINUE, IR_RAISE));
  for (const ir_node *n; (n = ir_kinds_next(&n_it));) {
    /* `throw err` of a stored error is the deferred re-throw (`catch (e) { err = e } finally
     * { if (err) throw err }`): the error in flight is that one */
    bool thrown = n->kind == IR_RAISE && f->lang == AL_LANG_JS && n->name && !al_is_identifier(n->name);
    if (n->kind != IR_RETURN && n->kind != IR_BREAK && n->kind != IR_CONTINUE && !thrown) continue;
    const ir_node *fin = NULL;
    for (const ir_node *p = n->parent; p && p->kind != IR_FUNC && p->kind != IR_CLASS; p = p->parent) {
      /* of an inner loop, unless it jumps past it (JS `break outer;`, a switch around the try) */
      if (p->kind == IR_LOOP && (n->kind == IR_BREAK || n->kind == IR_CONTINUE) && !(n->flags & IR_F_LEAVES_FINALLY))
        break;
      if (p->kind == IR_FINALLY) {
        fin = p;
        break;
      }
    }
    if (!fin) continue;
    const ir_node *fn = NULL;
    bool async = al_in_async_code(f, n, &fn);
    if (!fn) fn = ir_enclosing_func(n);
    const char *what = thrown ? "throw" : n->kind == IR_RETURN ? "return" : n->kind == IR_BREAK ? "break" : "continue";
    const char *how = thrown ? "replaces" : "discards";
    bool named = fn && fn->name && fn->name[0] != '<';
    if (!async)
      al_report(sink, n, "`%s` in `finally` of %s%s%s %s the exception in flight: the error (or interrupt) "
                "raised in the try block is silently lost; move it out of the finally block", what,
                named ? "function `" : fn ? "an anonymous function" : "module code", named ? fn->name : "",
                named ? "`" : "", how);
    else if (f->lang == AL_LANG_JS)
      al_report(sink, n, "`%s` in `finally` of %s %s the exception in flight, an AbortError included: an "
                "aborted operation %s; move it out of the finally block", what, al_context_label(f, fn), how,
                thrown ? "reports a different error" : "looks like a normal completion");
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
    .summary = "return/break/continue (JS: also throw) leaving a finally block swallows the exception, cancellation included",
    .fix = AL_FIX_NONE,
    .check = check,
};
