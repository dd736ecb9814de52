/* AL405 signal-ignored: an async function that accepts an AbortSignal (a parameter named
 * `signal`, or destructured `{ signal }`) and loops over awaits without ever looking at
 * the signal: not checking `signal.aborted`, not calling `signal.throwIfAborted()`, not
 * passing it on. Aborting the caller's controller does not stop the loop. Also each
 * awaited call of an API that takes a signal (`fetch`, knowledge `abortable`) in such a
 * function: it is not given the signal, so the abort does not reach it. */
#include <string.h>

#include "common.h"

static bool takes_signal(const ir_node *fn) {
  for (uint32_t i = 0; i < fn->nargs; i++) {
    const char *t = fn->args[i].text;
    if (!t) continue;
    if (!strcmp(t, "signal") || (t[0] == '{' && strstr(t, "signal"))) return true;
  }
  return false;
}

static bool body_mentions_signal(const ir_file *f, const ir_node *fn) {
  return al_code_contains(f, fn->body ? fn->body : fn->span.start, fn->span.end, "signal");
}

/* An awaited call of an API that takes an AbortSignal (knowledge `abortable`), given
 * none: `await fetch(url)` in a function whose caller passed a signal. Not inside a loop
 * of awaits: that loop's finding already asks to pass the signal on. */
static void unforwarded(const ir_file *f, al_sink *sink, const ir_node *fn) {
  const al_kb *kb = al_kb_for(f->lang);
  for (const ir_node *n = fn->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, fn) : ir_next(n, fn)) {
    if (n->kind != IR_CALL || n->use != IR_USE_AWAITED || !n->name || !al_kb_match(kb, "abortable", n->name)) continue;
    bool in_loop = false;
    for (const ir_node *p = n->parent; p && p != fn && !in_loop; p = p->parent) in_loop = p->kind == IR_LOOP;
    if (in_loop) continue;
    al_report(sink, n, "`%s()` is not given the AbortSignal that `%s` accepts: aborting does not cancel it, and "
              "the caller waits for it to finish; pass `{ signal }` in its options", al_call_label(f, n),
              fn->name ? fn->name : "?");
  }
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  for (ir_node *const *fn_at = ir_of_kind(f, IR_FUNC); *fn_at; fn_at++) {
    const ir_node *fn = *fn_at;
    if (!(fn->flags & IR_F_ASYNC) || !takes_signal(fn) || body_mentions_signal(f, fn)) continue;
    unforwarded(f, sink, fn);
    for (const ir_node *n = fn->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, fn) : ir_next(n, fn)) {
      if (n->kind != IR_LOOP || !al_has_await(n)) continue;
      al_report(sink, n, "`%s` accepts an AbortSignal but this loop of awaits never checks it: aborting does not stop "
                "it; check `signal.aborted` / call `signal.throwIfAborted()` each round, or pass `{ signal }` on",
                fn->name ? fn->name : "?");
      break;
    }
  }
}

const al_rule rule_al405 = {
    .code = "AL405",
    .name = "signal-ignored",
    .family = AL_FAMILY_CANCELLATION,
    .langs = 1u << AL_LANG_JS,
    .severity = AL_SEV_WARNING,
    .summary = "a function takes an AbortSignal but loops over awaits without checking it, or awaits an abortable API without it",
    .fix = AL_FIX_NONE,
    .check = check,
};
