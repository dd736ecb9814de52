/* AL515 async-sync-protocol: an `async def` for a method the interpreter calls
 * synchronously and whose result it uses (knowledge `sync_dunders`: __init__,
 * __enter__/__exit__, __iter__/__next__, __aiter__, __await__, __len__, __bool__,
 * __eq__ ...). It returns a coroutine instead: a TypeError, a value that is always
 * true, or a body that never runs. Fix (unsafe: the body may await): drop `async`. */
#include <string.h>

#include "common.h"

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  if (f->lang != AL_LANG_PYTHON) return;
  const al_kb *kb = al_kb_for(f->lang);
  const char *t = f->src->text;
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    if (n->kind != IR_FUNC || !(n->flags & IR_F_ASYNC) || !(n->flags & IR_F_METHOD) || !n->name) continue;
    const char *dot = strrchr(n->name, '.');
    const al_kb_entry *e = al_kb_find(kb, "sync_dunders", dot ? dot + 1 : n->name);
    if (!e || ((n->flags & IR_F_GENERATOR) && al_kb_attr(e, "generator_ok"))) continue;
    const char *what = al_kb_attr(e, "what");
    /* the fix only when the body does not await (it would be AL511's SyntaxError) */
    bool awaits = false;
    for (const ir_node *c = n->child; c && !awaits; c = c->kind == IR_FUNC ? ir_next_skip(c, n) : ir_next(c, n))
      awaits = c->kind == IR_AWAIT || ((c->kind == IR_WITH || c->kind == IR_LOOP) && (c->flags & IR_F_ASYNC));
    al_fix *fx = NULL;
    if (!awaits && n->span.start + 6 <= f->src->len && !strncmp(t + n->span.start, "async ", 6)) {
      fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "make it a plain def");
      al_fix_add(fx, n->span.start, n->span.start + 6, "");
    }
    al_report_fix(sink, n, fx, "`async def %s`: the interpreter calls %s synchronously and uses its result, which "
                  "is now a coroutine — %s; make it a plain def (and move the async work to a method that is "
                  "awaited)", dot ? dot + 1 : n->name, dot ? dot + 1 : n->name, what ? what : "it breaks");
  }
}

const al_rule rule_al515 = {
    .code = "AL515",
    .name = "async-sync-protocol",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_ERROR,
    .summary = "async def for a method Python calls synchronously (__init__, __enter__, __iter__, __aiter__, ...)",
    .fix = AL_FIX_UNSAFE,
    .check = check,
};
