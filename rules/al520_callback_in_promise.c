/* AL520 callback-in-promise: a Node-style callback (knowledge `node_callbacks`: cb,
 * callback, next, done) called inside a promise's fulfilment handler — `p.then((v) =>
 * cb(null, v))`, `p.then(cb)`. Whatever the callback throws is caught by the promise:
 * with a `.catch(cb)` behind it the callback runs a second time, with its own error;
 * without one the error becomes an unhandled rejection instead of reaching the caller
 * (eslint-plugin-promise no-callback-in-promise). Calls deferred out of the chain —
 * `setTimeout(() => cb(...))`, `process.nextTick(cb, ...)`, `setImmediate(...)` — are
 * the fix, and are not reported; nor are rejection handlers (`.catch(next)` is how an
 * Express 4 handler passes its error on). */
#include <string.h>

#include "common.h"

static bool is_callback_name(const al_kb *kb, const char *name) {
  return name && !strchr(name, '.') && al_kb_find(kb, "node_callbacks", name) != NULL;
}

static void report(al_sink *sink, const ir_node *at, const char *cb, const char *how) {
  al_report(sink, at, "callback `%s` %s a promise's fulfilment handler: what it throws is caught by the "
            "promise — a `.catch()` behind it calls the callback again, with its own error, and without one the "
            "error is an unhandled rejection; call it outside the chain (`process.nextTick(%s, null, value)`), or "
            "convert the callback API with util.promisify/util.callbackify", cb, how, cb);
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  const al_kb *kb = al_kb_for(f->lang);
  for (ir_node *const *n_at = ir_of_kind(f, IR_CALL); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if (!n->name || !al_ends_with(n->name, ".then") || !n->nargs) continue;
    const ir_arg *a = &n->args[0];
    if (!(a->flags & IR_ARG_LAMBDA)) {
      if (is_callback_name(kb, a->text)) report(sink, n, a->text, "given as");
      continue;
    }
    const ir_node *fn = n->child;
    while (fn && !(fn->kind == IR_FUNC && (fn->flags & IR_F_LAMBDA))) fn = fn->next;
    if (!fn) continue;
    /* the handler's own calls: not those in functions inside it (a timer's deferred call) */
    for (const ir_node *c = fn->child; c; c = c->kind == IR_FUNC ? ir_next_skip(c, fn) : ir_next(c, fn))
      if (c->kind == IR_CALL && is_callback_name(kb, c->text ? c->text : c->name)) /* as written: `cb` may be a local */
        report(sink, c, c->text ? c->text : c->name, "called inside");
  }
}

const al_rule rule_al520 = {
    .code = "AL520",
    .name = "callback-in-promise",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_JS,
    .severity = AL_SEV_WARNING,
    .summary = "a Node-style callback called inside a promise's fulfilment handler",
    .fix = AL_FIX_NONE,
    .check = check,
};
