/* AL514 await-in-gather: an element of a gather awaited in place —
 * `Promise.all([await a(), await b()])`, `asyncio.gather(await a(), await b())`,
 * `asyncio.create_task(await work())`. Each await finishes before the next starts, so
 * the work runs one after another and the gather waits for nothing (unicorn's
 * no-await-in-promise-methods); in Python the call then gets a result instead of an
 * awaitable and raises TypeError (knowledge `gather`, `takes_coroutine`). Fix (unsafe:
 * the work now runs concurrently): drop the `await`. */
#include <string.h>

#include "common.h"

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  if (f->lang == AL_LANG_C) return;
  bool py = f->lang == AL_LANG_PYTHON;
  const al_kb *kb = al_kb_for(f->lang);
  const char *t = f->src->text;
  for (ir_node *const *n_at = ir_of_kind(f, IR_AWAIT); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if ((n->flags & IR_F_YIELD_FROM) || !n->parent || n->parent->kind != IR_CALL) continue;
    const ir_node *call = n->parent;
    if (!call->name) continue;
    const al_kb_entry *gather = al_kb_find(kb, "gather", call->name);
    if (!gather && !(py && al_kb_find(kb, "takes_coroutine", call->name))) continue;
    uint32_t b = n->span.start;
    while (b > call->span.start && (t[b - 1] == ' ' || t[b - 1] == '\n' || t[b - 1] == '\t' || t[b - 1] == '\r'))
      b--;
    if (b <= call->span.start) continue;
    char before = t[b - 1];
    /* JS: an element of an array literal argument (`Promise.all([await a()])`), not the
     * list itself (`Promise.all(await listOfPromises())`) */
    if (!py && before != '[' && before != ',') continue;
    /* Python: `gather(*await coros())` unpacks a list of awaitables; asyncio.wait and
     * as_completed take one iterable, which an await may well produce */
    if (py && before == '*') continue;
    if (py && gather && al_kb_attr(gather, "iterable") && before != '[' && before != '{') continue;
    uint32_t e = n->span.start + 5;
    while (e < n->span.end && (t[e] == ' ' || t[e] == '\t')) e++;
    if (e >= n->span.end || strncmp(t + n->span.start, "await", 5)) continue;
    al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "pass the awaitable itself (drop the await)");
    al_fix_add(fx, n->span.start, e, "");
    const char *label = al_call_label(f, call);
    if (py)
      al_report_fix(sink, n, fx, "`await` inside the arguments of `%s()`: the awaitable runs to completion first "
                    "(one after another), and `%s()` gets its result, not an awaitable, and raises TypeError; pass "
                    "the coroutine itself", label, label);
    else
      al_report_fix(sink, n, fx, "`await` inside the array given to `%s()`: each element is awaited in turn before "
                    "`%s()` even starts, so the work runs one after another and `%s()` waits for nothing; pass the "
                    "promises themselves", label, label, label);
  }
}

const al_rule rule_al514 = {
    .code = "AL514",
    .name = "await-in-gather",
    .family = AL_FAMILY_HYGIENE,
    .langs = (1u << AL_LANG_PYTHON) | (1u << AL_LANG_JS),
    .severity = AL_SEV_ERROR,
    .summary = "an element of Promise.all/asyncio.gather awaited in place: serial work (JS), TypeError (Python)",
    .fix = AL_FIX_UNSAFE,
    .check = check,
};
