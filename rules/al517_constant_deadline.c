/* AL517 constant-deadline: an absolute deadline given as a constant (knowledge
 * `absolute_deadlines`): `trio.move_on_at(10)`, `trio.fail_at(5)`, `trio.sleep_until(30)`,
 * `CancelScope(deadline=60)`, `asyncio.timeout_at(10)`. The clock these read
 * (trio.current_time(), loop.time()) counts from an arbitrary origin — the machine's
 * uptime — so a constant is a moment long past: the scope is cancelled at once, the
 * sleep returns at once (flake8-async ASYNC125). The relative form was meant:
 * `move_on_after(10)`, `sleep(30)`, `asyncio.timeout(10)`. */
#include <string.h>

#include "common.h"

/* A number, or arithmetic of numbers (`60 * 5`, `1e3`, `1_000`). */
static bool numeric_constant(const char *t) {
  if (!t || !*t) return false;
  bool digit = false;
  for (const char *p = t; *p; p++) {
    if (*p >= '0' && *p <= '9') digit = true;
    else if (!strchr("._+-*/ ()eE", *p)) return false;
  }
  return digit;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  if (f->lang != AL_LANG_PYTHON) return;
  const al_kb *kb = al_kb_for(f->lang);
  for (ir_node *const *n_at = ir_of_kind(f, IR_CALL); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if (!n->name || !n->nargs) continue;
    const al_kb_entry *e = al_kb_find(kb, "absolute_deadlines", n->name);
    if (!e) continue;
    const char *kw = al_kb_attr(e, "keyword");
    const ir_arg *a = NULL;
    for (uint32_t i = 0; i < n->nargs && !a; i++) {
      const ir_arg *x = &n->args[i];
      if ((x->flags & IR_ARG_KEYWORD) ? (kw && x->keyword && !strcmp(x->keyword, kw)) : (!kw && i == 0)) a = x;
    }
    if (!a || !numeric_constant(a->text)) continue;
    const char *use = al_kb_attr(e, "use");
    al_report(sink, n, "`%s(%s%s%s)` sets an absolute deadline to a constant: the clock counts from an arbitrary "
              "origin (uptime), so %s is a moment long past and %s at once; use %s", al_call_label(f, n),
              kw ? kw : "", kw ? "=" : "", a->text, a->text,
              al_kb_attr(e, "sleeps") ? "the sleep returns" : "the scope is cancelled",
              use ? use : "a deadline computed from the clock (`current_time() + t`)");
  }
}

const al_rule rule_al517 = {
    .code = "AL517",
    .name = "constant-deadline",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_ERROR,
    .summary = "an absolute deadline given as a constant (move_on_at(10), CancelScope(deadline=5)): long past",
    .fix = AL_FIX_NONE,
    .check = check,
};
