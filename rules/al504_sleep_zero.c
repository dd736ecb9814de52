/* AL504 sleep-zero-checkpoint: `trio.sleep(0)` / `anyio.sleep(0)` used as a checkpoint.
 * The libraries have an explicit, cheaper checkpoint (lowlevel.checkpoint()) that says
 * what is meant. Safe fix. asyncio has no such function: asyncio.sleep(0) is its idiom. */
#include <string.h>

#include "common.h"

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  const al_kb *kb = al_kb_for(f->lang);
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    if (n->kind != IR_CALL || !n->name || n->nargs != 1 || !n->args[0].text) continue;
    const al_kb_entry *e = al_kb_find(kb, "sleeps", n->name);
    const char *cp = e ? al_kb_attr(e, "checkpoint") : NULL;
    if (!cp || (strcmp(n->args[0].text, "0") && strcmp(n->args[0].text, "0.0"))) continue;
    /* write the checkpoint through the name the module is imported as */
    const char *dot = strchr(cp, '.');
    char lib[32];
    snprintf(lib, sizeof lib, "%.*s", (int)(dot - cp), cp);
    const char *alias = al_py_module_alias(f, lib);
    al_fix *fx = NULL;
    if (alias) {
      char *repl = al_fmt("%s%s()", alias, dot);
      fx = al_fix_new(AL_FIX_APPLY_SAFE, "use the explicit checkpoint");
      al_fix_add(fx, n->span.start, n->span.end, repl);
      free(repl);
    }
    al_report_fix(sink, n, fx, "`%s(0)` as a checkpoint: use `%s()`, which says what is meant and skips the timer",
                  n->text ? n->text : n->name, cp);
  }
}

const al_rule rule_al504 = {
    .code = "AL504",
    .name = "sleep-zero-checkpoint",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_INFO,
    .summary = "trio/anyio sleep(0) used as a checkpoint instead of lowlevel.checkpoint()",
    .fix = AL_FIX_SAFE,
    .check = check,
};
