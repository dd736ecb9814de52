/* AL402 broad-except-cancel: a bare `except:` or `except BaseException` in async code
 * whose try body can be cancelled (it awaits) and that does not re-raise: it catches
 * the cancellation along with everything else. Fix (unsafe): a handler for the
 * cancellation that re-raises, placed before the broad one. */
#include <string.h>

#include "common.h"

/* An earlier handler of the same try already deals with cancellation. */
static bool earlier_cancel_handler(const ir_file *f, const ir_node *h) {
  for (const ir_node *c = h->parent->child; c && c != h; c = c->next)
    if (c->kind == IR_HANDLER && al_handler_catches_cancel(f, c, false)) return true;
  return false;
}

static al_fix *cancel_handler_fix(const ir_file *f, const ir_node *h) {
  const char *lib = al_py_async_lib_at(f, h);
  const char *alias = al_py_module_alias(f, lib);
  const char *mod = alias ? alias : lib;
  const al_kb_entry *spell = al_kb_find(al_kb_for(f->lang), "cancel_catch", lib);
  const char *catch_name = spell ? al_kb_attr(spell, "catch") : NULL;
  if (!catch_name) return NULL;
  char *cls = al_fmt("%s.%s", mod, catch_name);
  char ind[64];
  al_indent_at(f, h->span.start, ind, sizeof ind);
  const char *step = strchr(ind, '\t') ? "\t" : "    ";
  char *txt = al_fmt("except %s:\n%s%sraise\n%s", cls, ind, step, ind);
  al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "re-raise cancellation before the broad handler");
  al_fix_add(fx, h->span.start, h->span.start, txt);
  if (!alias) al_py_add_import(fx, f, lib);
  free(txt);
  free(cls);
  return fx;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  for (ir_node *const *n_at = ir_of_kind(f, IR_HANDLER); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if (!al_handler_catches_cancel(f, n, true)) continue;
    /* re-raised only as another exception (`raise AppError() from e`, flake8-async
     * ASYNC104): the cancellation ends as an error */
    bool propagates = al_handler_propagates(f, n);
    const ir_node *conv = propagates ? al_handler_replacing_raise(f, n) : NULL;
    if (propagates && !conv) continue;
    const ir_node *fn = NULL;
    if (!n->parent || n->parent->kind != IR_TRY || !al_try_awaits(f, n->parent) || !al_in_async_code(f, n, &fn)) continue;
    if (earlier_cancel_handler(f, n)) continue;
    if (conv) {
      if (al_handler_checks_cancel_state(f, n)) continue;
      al_report(sink, n, "`%s` around an await in async function `%s` turns the cancellation into `raise %.60s`: the "
                "task ends with another error, so the canceller (a timeout, a task group, task.cancel()) never sees "
                "it cancelled; catch Exception, or re-raise the cancellation first",
                n->name ? n->name : "except:", fn && fn->name ? fn->name : "?", conv->name);
      continue;
    }
    al_report_fix(sink, n, cancel_handler_fix(f, n),
                  "`%s` around an await in async function `%s` also catches cancellation and does not re-raise it: "
                  "the task cannot be cancelled or timed out here; catch Exception, or re-raise the cancellation",
                  n->name ? n->name : "except:", fn && fn->name ? fn->name : "?");
  }
}

const al_rule rule_al402 = {
    .code = "AL402",
    .name = "broad-except-cancel",
    .family = AL_FAMILY_CANCELLATION,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_ERROR,
    .summary = "a bare/BaseException handler around an await swallows cancellation",
    .fix = AL_FIX_UNSAFE,
    .check = check,
};
