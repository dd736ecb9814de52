/* AL515 async-sync-protocol: an `async def` for a method the interpreter calls
 * synchronously and whose result it uses (knowledge `sync_dunders`: __init__,
 * __enter__/__exit__, __iter__/__next__, __aiter__, __await__, __len__, __bool__,
 * __eq__ ...). It returns a coroutine instead: a TypeError, a value that is always
 * true, or a body that never runs. Fix (unsafe: the body may await): drop `async`.
 * Also test methods of a unittest.TestCase (knowledge `sync_test_cases`): the runner
 * drops their coroutines, and the test passes without running. */
#include <string.h>

#include "common.h"

/* The knowledge `sync_test_cases` entry of a base of cls, through classes of this file
 * (`class Base(unittest.TestCase)`, `class T(Base)`), or NULL. */
static const al_kb_entry *sync_test_base(const ir_file *f, const ir_node *cls, int depth) {
  const al_kb *kb = al_kb_for(f->lang);
  for (uint32_t i = 0; depth < 8 && i < cls->nargs; i++) {
    const ir_arg *b = &cls->args[i];
    if (!b->text) continue;
    if (b->keyword) {
      char full[256];
      if (!al_join(full, sizeof full, b->keyword, '.', b->text)) continue;
      const al_kb_entry *e = al_kb_find(kb, "sync_test_cases", full);
      if (e) return e;
      continue;
    }
    for (const ir_node *c = f->root->child; c; c = c->next) /* a class of this file */
      if (c->kind == IR_CLASS && c != cls && c->name && !strcmp(c->name, b->text)) {
        const al_kb_entry *e = sync_test_base(f, c, depth + 1);
        if (e) return e;
      }
  }
  return NULL;
}

/* cls or one of its bases in this file defines a method named in runner (space separated). */
static bool defines_runner(const ir_file *f, const ir_node *cls, const char *runner, int depth) {
  if (depth >= 8) return false;
  for (const ir_node *m = cls->child; m; m = m->next) {
    const char *dot = m->kind == IR_FUNC && m->name ? strrchr(m->name, '.') : NULL;
    if (dot && al_text_mentions(runner, dot + 1)) return true;
  }
  for (uint32_t i = 0; i < cls->nargs; i++)
    if (cls->args[i].text && !cls->args[i].keyword)
      for (const ir_node *c = f->root->child; c; c = c->next)
        if (c->kind == IR_CLASS && c != cls && c->name && !strcmp(c->name, cls->args[i].text) &&
            defines_runner(f, c, runner, depth + 1))
          return true;
  return false;
}

/* An `async def` test method (or set-up/tear-down) of a unittest.TestCase: the runner
 * calls it, gets a coroutine, and drops it. Decorated methods are left alone (a
 * decorator such as an `async_test` helper may run the coroutine). */
static bool async_test_method(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n,
                              const char *method) {
  const ir_node *cls = n->parent;
  if (!cls || cls->kind != IR_CLASS || !cls->nargs || (n->flags & IR_F_DECORATED)) return false;
  const al_kb_entry *e = sync_test_base(f, cls, 0);
  bool other_module = false;
  if (!e && cls->name) /* through bases of other modules */
    other_module = (e = al_index_library_base(idx, f, f->module, cls->name, "sync_test_cases", NULL, 0)) != NULL;
  const char *prefix = e ? al_kb_attr(e, "prefix") : NULL, *others = e ? al_kb_attr(e, "methods") : NULL;
  bool test = prefix && al_starts_with(method, prefix);
  if (!test && !(others && al_text_mentions(others, method))) return false;
  /* a project test case that runs coroutine methods itself (overrides `run`,
   * `_callTestMethod` ...: the entry's `runner`) */
  const char *runner = al_kb_attr(e, "runner");
  if (runner && (defines_runner(f, cls, runner, 0) ||
                 (other_module && !al_index_library_base(idx, f, f->module, cls->name, "sync_test_cases", runner, 0))))
    return false;
  const char *use = al_kb_attr(e, "use");
  al_report(sink, n, "`async def %s` in a %s: its runner calls %s synchronously and drops the coroutine it gets, so "
            "%s; derive `%s` from %s", method, e->name, method,
            test ? "the body never runs and the test passes whatever it asserts" : "its body never runs",
            cls->name, use ? use : "an async test case");
  return true;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  if (f->lang != AL_LANG_PYTHON) return;
  const al_kb *kb = al_kb_for(f->lang);
  const char *t = f->src->text;
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    if (n->kind != IR_FUNC || !(n->flags & IR_F_ASYNC) || !(n->flags & IR_F_METHOD) || !n->name) continue;
    const char *dot = strrchr(n->name, '.');
    if (dot && async_test_method(f, idx, sink, n, dot + 1)) continue;
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
