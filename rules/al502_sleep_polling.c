/* AL502 sleep-polling: a `while` loop whose body only sleeps (plus plain checks and
 * break/return): it polls a condition on a timer. The reaction comes up to one
 * interval late and the task wakes up for nothing; wait on an Event/Condition. A
 * `while True:` whose body only sleeps is reported too (ruff's ASYNC110 does the same):
 * an Event, or sleep_forever(), says what is meant. Reported at the `while`, where ruff
 * and flake8-async put ASYNC110: the loop is the defect, the sleep only its pace. */
#include <string.h>

#include "common.h"

static bool is_sleep(const ir_file *f, const ir_node *call) {
  return call->name && al_kb_find(al_kb_for(f->lang), "sleeps", call->name);
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    if (n->kind != IR_LOOP || !(n->flags & IR_F_WHILE) || !n->body) continue;
    const ir_node *sleep = NULL;
    bool other = false, leaves = false;
    for (const ir_node *c = n->child; c && !other; c = c->kind == IR_FUNC ? ir_next_skip(c, n) : ir_next(c, n)) {
      if (c->span.start < n->body) continue; /* the condition */
      if (c->kind == IR_BREAK || c->kind == IR_RETURN || c->kind == IR_RAISE) leaves = true;
      if (c->kind == IR_LOOP || c->kind == IR_WITH || c->kind == IR_TRY) other = true;
      if (c->kind != IR_CALL) continue;
      if (is_sleep(f, c) && c->use == IR_USE_AWAITED) sleep = sleep ? sleep : c;
      else if (c->parent->kind != IR_RAISE) other = true;
    }
    if (!sleep || other) continue;
    bool js = f->lang == AL_LANG_JS;
    const char *cond = n->name ? n->name : "?";
    size_t cl = strlen(cond);
    if (js && cl >= 2 && cond[0] == '(' && cond[cl - 1] == ')') cond++, cl -= 2; /* `while (x)`: x */
    bool forever = (cl == 4 && (!strncmp(cond, "True", 4) || !strncmp(cond, "true", 4))) || (cl == 1 && *cond == '1');
    if (forever && !leaves)
      al_report(sink, n, "a `while %s` loop whose body only awaits `%s()`: it wakes up for nothing; %s",
                js ? "(true)" : "True", al_call_label(f, sleep),
                js ? "await a promise that settles when there is work (or a timer that does the work)"
                   : "wait on an Event (or trio/anyio sleep_forever()) instead");
    else
      al_report(sink, n, "`%s()` polls `%.*s` in a loop: the loop wakes up for nothing and reacts up to one "
                "interval late; %s", al_call_label(f, sleep), (int)cl, cond,
                js ? "await a promise resolved (or an event emitted: events.once) where the state changes"
                   : "wait on an asyncio.Event / Condition (trio/anyio Event) set where the state changes");
  }
}

const al_rule rule_al502 = {
    .code = "AL502",
    .name = "sleep-polling",
    .family = AL_FAMILY_HYGIENE,
    .langs = (1u << AL_LANG_PYTHON) | (1u << AL_LANG_JS),
    .severity = AL_SEV_WARNING,
    .summary = "a while loop that only sleeps: polling instead of waiting on an event",
    .fix = AL_FIX_NONE,
    .check = check,
};
