/* AL201-AL207 blocking-*: a blocking call made on the event loop (inside an async
 * function, not handed to an off-loop executor). One code per category of the
 * `blocking` knowledge data, so users can select or ignore a category; the seven rules
 * share one check parameterized by the category (a table, not seven copies).
 * AL201 has a fix: time.sleep(x) -> await asyncio.sleep(x) (trio/anyio as imported). */
#include <string.h>

#include "common.h"

static al_fix *sleep_fix(const ir_file *f, const ir_node *call) {
  if (f->lang != AL_LANG_PYTHON || call->use != IR_USE_DISCARDED) return NULL;
  const char *lib = al_py_async_lib(f);
  const char *alias = al_py_module_alias(f, lib);
  char *title = al_fmt("replace with `await %s.sleep(...)`", alias ? alias : lib);
  al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, title);
  free(title);
  char *callee = al_fmt("await %s.sleep", alias ? alias : lib);
  al_fix_add(fx, call->span.start, al_callee_end(f, call), callee);
  free(callee);
  if (!alias) al_py_add_import(fx, f, lib);
  return fx;
}

static const char *func_label(const ir_node *fn) { return fn && fn->name ? fn->name : "?"; }

static void check_category(const ir_file *f, const al_index *idx, al_sink *sink, const char *category) {
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    const ir_node *fn = NULL;
    if (n->kind == IR_CALL) {
      const al_kb_entry *e = al_blocking_api(f, idx, n);
      if (!e || strcmp(al_kb_attr(e, "category"), category) || !al_on_loop(f, n, &fn)) continue;
      const char *use = al_kb_attr(e, "use");
      al_fix *fx = !strcmp(category, "sleep") ? sleep_fix(f, n) : NULL;
      al_report_fix(sink, n, fx, "`%s()` blocks the event loop (%s) inside async function `%s`%s%s", n->text ? n->text : n->name,
                    al_category_label(category), func_label(fn), use ? "; use " : "", use ? use : "");
    } else if (n->kind == IR_WITH) {
      const char *item;
      const al_kb_entry *e = al_blocking_with(f, n, &item);
      if (!e || strcmp(al_kb_attr(e, "category"), category) || !al_on_loop(f, n, &fn)) continue;
      const char *use = al_kb_attr(e, "use");
      al_report(sink, n, "`with` on a `%s` blocks the event loop (%s) inside async function `%s`%s%s", item,
                al_category_label(category), func_label(fn), use ? "; use " : "", use ? use : "");
    }
  }
}

#define CATEGORY_RULE(sym, code_, name_, cat, sev, summary_, fixkind)                          \
  static void check_##sym(const ir_file *f, const al_index *idx, al_sink *sink) {             \
    check_category(f, idx, sink, cat);                                                        \
  }                                                                                           \
  const al_rule sym = {.code = code_, .name = name_, .family = AL_FAMILY_BLOCKING,            \
                       .langs = 1u << AL_LANG_PYTHON, .severity = sev, .summary = summary_,    \
                       .fix = fixkind, .check = check_##sym};

CATEGORY_RULE(rule_al201, "AL201", "blocking-sleep", "sleep", AL_SEV_ERROR,
              "a blocking sleep (time.sleep) inside async code stalls every task", AL_FIX_UNSAFE)
CATEGORY_RULE(rule_al202, "AL202", "blocking-network", "network", AL_SEV_ERROR,
              "blocking HTTP/socket I/O inside async code", AL_FIX_NONE)
CATEGORY_RULE(rule_al203, "AL203", "blocking-file-io", "file", AL_SEV_WARNING,
              "blocking file-system I/O inside async code", AL_FIX_NONE)
CATEGORY_RULE(rule_al204, "AL204", "blocking-subprocess", "subprocess", AL_SEV_ERROR,
              "a blocking subprocess call or wait inside async code", AL_FIX_NONE)
CATEGORY_RULE(rule_al205, "AL205", "blocking-wait", "wait", AL_SEV_ERROR,
              "a thread lock, queue, event or future wait inside async code", AL_FIX_NONE)
CATEGORY_RULE(rule_al206, "AL206", "blocking-dns", "dns", AL_SEV_WARNING,
              "a blocking DNS lookup inside async code", AL_FIX_NONE)
CATEGORY_RULE(rule_al207, "AL207", "blocking-input", "input", AL_SEV_ERROR,
              "blocking terminal input (input(), stdin reads) inside async code", AL_FIX_NONE)
