/* AL509 promise-executor-return: a Promise executor that returns a value (an arrow with
 * an expression body, or `return x;`) — a plain value or a promise. It is ignored:
 * usually `resolve(x)` was meant, or a promise is returned that nobody waits for (the
 * outer promise then never settles). `void expr`, a bare `return;` and calls whose
 * result is ignored by design (`setTimeout(resolve, ms)`, `return resolve(x)`) are fine
 * — unless the executor never names resolve or reject: then nothing settles it. */
#include <string.h>

#include "common.h"

/* What the executor returns at offset `at` matters: a plain value (`return 42`,
 * `=> data`) or a promise (`=> fetch(u)`), not a callback-style call whose result is
 * ignored by design (`=> setTimeout(resolve, ms)`, `return resolve(x)`). */
static bool meaningful(const ir_file *f, const al_index *idx, const ir_node *ex, uint32_t at) {
  for (const ir_node *c = ex->child; c; c = c->next) {
    if (c->kind == IR_RETURN && c->span.start <= at && at < c->span.end) return meaningful(f, idx, c, at);
    if (c->kind != IR_CALL || c->span.start != at) continue;
    const al_func_info *fn;
    const al_kb_entry *api;
    return al_index_call_awaitable(idx, f, c, &fn, &api);
  }
  return true; /* not a call: a value */
}

/* The executor's body never names its resolve or reject parameter (nor passes them
 * on): nothing can settle the promise, so a returned call's result was meant as its
 * value (`new Promise((resolve) => cache.get(key))`: pending forever). */
static bool never_settles(const ir_file *f, const ir_node *ex) {
  char *body = al_fmt("%.*s", (int)(ex->span.end - ex->body), f->src->text + ex->body);
  bool named = false;
  for (uint32_t i = 0; i < ex->nargs && i < 2 && !named; i++)
    named = !ex->args[i].text || !al_is_identifier(ex->args[i].text) || al_text_mentions(body, ex->args[i].text);
  free(body);
  return !named;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  const char *t = f->src->text;
  for (ir_node *const *n_at = ir_of_kind(f, IR_CALL); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if (!(n->flags & IR_F_NEW) || !n->name || strcmp(n->name, "Promise")) continue;
    const ir_node *ex = n->child;
    while (ex && ex->kind != IR_FUNC) ex = ex->next;
    if (!ex || !ex->body) continue;
    if (t[ex->body] != '{') {
      bool pending = never_settles(f, ex);
      if (!strncmp(t + ex->body, "void ", 5) || (!meaningful(f, idx, ex, ex->body) && !pending)) continue;
      al_report(sink, ex, "Promise executor returns a value (expression-bodied arrow): it is ignored%s; call "
                "resolve(...) or wrap the body in braces",
                pending ? ", and nothing calls resolve or reject, so the promise never settles" : "");
      continue;
    }
    for (const ir_node *r = ex->child; r; r = r->kind == IR_FUNC ? ir_next_skip(r, ex) : ir_next(r, ex)) {
      if (r->kind != IR_RETURN) continue;
      uint32_t i = r->span.start + 6;
      while (i < r->span.end && (t[i] == ' ' || t[i] == '\t')) i++;
      /* `return;`, `return` ending the line (ASI), `return }`, `return void x` */
      if (i >= r->span.end || strchr(";\r\n}", t[i]) || !strncmp(t + i, "void ", 5)) continue;
      bool pending = never_settles(f, ex);
      if (!meaningful(f, idx, r, i) && !pending) continue;
      al_report(sink, r, "Promise executor returns a value: it is ignored%s; call resolve(...) instead",
                pending ? ", and nothing calls resolve or reject, so the promise never settles" : "");
    }
  }
}

const al_rule rule_al509 = {
    .code = "AL509",
    .name = "promise-executor-return",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_JS,
    .severity = AL_SEV_WARNING,
    .summary = "a Promise executor returns a value",
    .fix = AL_FIX_NONE,
    .check = check,
};
