/* AL504 sleep-zero-checkpoint: `trio.sleep(0)` / `anyio.sleep(0)` used as a checkpoint.
 * The libraries have an explicit, cheaper checkpoint (lowlevel.checkpoint()) that says
 * what is meant. Safe fix. asyncio has no such function: asyncio.sleep(0) is its idiom. */
#include <string.h>

#include "common.h"

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  for (ir_node *const *n_at = ir_of_kind(f, IR_CALL); *n_at; n_at++) {
    const ir_node *n = *n_at;
    const char *cp = al_sleep_attr(f, n, "checkpoint");
    if (!cp || (strcmp(n->args[0].text, "0") && strcmp(n->args[0].text, "0.0"))) continue;
    al_fix *fx = al_py_call_fix(f, n, cp, AL_FIX_APPLY_SAFE, "use the explicit checkpoint");
    al_report_fix(sink, n, fx, "`%s(0)` as a checkpoint: use `%s()`, which says what is meant and skips the timer",
                  al_call_label(f, n), cp);
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
