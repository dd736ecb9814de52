/* AL502 sleep-polling: a `while` loop whose body only sleeps (plus plain checks and
 * break/return): it polls a condition on a timer. The reaction comes up to one
 * interval late and the task wakes up for nothing; wait on an Event/Condition. A
 * `while True:` whose body only sleeps is reported too (ruff's ASYNC110 does the same):
 * an Event, or sleep_forever(), says what is meant. Reported at the `while`, where ruff
 * and flake8-async put ASYNC110: the loop is the defect, the sleep only its pace. */
#include <stdio.h>
#include <string.h>

#include "common.h"

/* `new Promise((r) => setTimeout(r, ms))`: the inline sleep of JS code without a helper
 * (knowledge `promise_types`, `delay_timers`). */
static bool is_timer_promise(const ir_file *f, const ir_node *call) {
  const al_kb *kb = al_kb_for(f->lang);
  if (!(call->flags & IR_F_NEW) || !al_kb_find(kb, "promise_types", call->name)) return false;
  const ir_node *fn = call->child;
  if (!fn || fn->kind != IR_FUNC || fn->next) return false;
  const ir_node *c = fn->child;
  return c && c->kind == IR_CALL && !c->next && !c->child && c->name && al_kb_find(kb, "delay_timers", c->name);
}

static bool is_sleep(const ir_file *f, const ir_node *call) {
  return call->name && (al_kb_find(al_kb_for(f->lang), "sleeps", call->name) ||
                        (f->lang == AL_LANG_JS && is_timer_promise(f, call)));
}

/* Text in [a, b) that is only layout: blanks, comments, `pass`, `;`, braces. */
static bool only_layout(const ir_file *f, uint32_t a, uint32_t b) {
  const char *t = f->src->text;
  bool js = f->lang == AL_LANG_JS;
  for (uint32_t i = a; i < b && i < f->src->len;) {
    char c = t[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' || c == '{' || c == '}' || c == ':') i++;
    else if (!js && c == '#') while (i < b && t[i] != '\n') i++;
    else if (js && c == '/' && i + 1 < b && t[i + 1] == '/') while (i < b && t[i] != '\n') i++;
    else if (js && c == '/' && i + 1 < b && t[i + 1] == '*') {
      i += 2;
      while (i + 1 < b && !(t[i] == '*' && t[i + 1] == '/')) i++;
      i += 2;
    } else if (!js && b - i >= 4 && !memcmp(t + i, "pass", 4)) i += 4;
    else return false;
  }
  return true;
}

/* A forever loop is a timer's when its body does anything besides the sleep (`self.ticks
 * += 1`, `n += 1`: writes the IR keeps no node for): only a body that is the awaited sleep
 * alone waits for nothing (ruff's ASYNC110 asks for exactly one statement too). */
static bool sleep_alone(const ir_file *f, const ir_node *loop, const ir_node *sleep) {
  const ir_node *stmt = sleep->parent && sleep->parent->kind == IR_AWAIT ? sleep->parent : sleep;
  return only_layout(f, loop->body, stmt->span.start) && only_layout(f, stmt->span.end, loop->span.end);
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  for (ir_node *const *n_at = ir_of_kind(f, IR_LOOP); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if (!(n->flags & IR_F_WHILE) || !n->body) continue;
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
    char label[300];
    if (js && is_timer_promise(f, sleep)) snprintf(label, sizeof label, "new Promise(... setTimeout ...)");
    else snprintf(label, sizeof label, "%s()", al_call_label(f, sleep));
    const char *cond = n->name ? n->name : "?";
    size_t cl = strlen(cond);
    if (js && cl >= 2 && cond[0] == '(' && cond[cl - 1] == ')') cond++, cl -= 2; /* `while (x)`: x */
    bool forever = (cl == 4 && (!strncmp(cond, "True", 4) || !strncmp(cond, "true", 4))) || (cl == 1 && *cond == '1');
    if (forever && !leaves) {
      if (!n->body || sleep_alone(f, n, sleep))
        al_report(sink, n, "a `while %s` loop whose body only awaits `%s`: it wakes up for nothing; %s",
                js ? "(true)" : "True", label,
                js ? "await a promise that settles when there is work (or a timer that does the work)"
                   : "wait on an Event (or trio/anyio sleep_forever()) instead");
    } else if (forever) /* `while (true) { if (ready) break; await sleep(50); }` */
      al_report(sink, n, "`%s` polls in an endless loop until a test in it leaves: the loop wakes up for nothing "
                "and reacts up to one interval late; %s", label,
                js ? "await a promise resolved (or an event emitted: events.once) where the state changes"
                   : "wait on an asyncio.Event / Condition (trio/anyio Event) set where the state changes");
    else
      al_report(sink, n, "`%s` polls `%.*s` in a loop: the loop wakes up for nothing and reacts up to one "
                "interval late; %s", label, (int)cl, cond,
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
