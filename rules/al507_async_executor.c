/* AL507 async-promise-executor: `new Promise(async (resolve, reject) => ...)`. An
 * exception in the executor after its first await is lost (the outer promise never
 * settles), and wrapping an async function in a Promise is redundant. */
#include <string.h>

#include "common.h"

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  for (ir_node *const *n_at = ir_of_kind(f, IR_CALL); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if (!(n->flags & IR_F_NEW) || !n->name || strcmp(n->name, "Promise")) continue;
    const ir_node *ex = n->child;
    while (ex && ex->kind != IR_FUNC) ex = ex->next;
    if (!ex || !(ex->flags & IR_F_ASYNC)) continue;
    al_report(sink, ex, "async Promise executor: an exception after its first await never rejects the promise (it "
              "stays pending forever) and the wrapper is redundant; write an async function and await inside it");
  }
}

const al_rule rule_al507 = {
    .code = "AL507",
    .name = "async-promise-executor",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_JS,
    .severity = AL_SEV_ERROR,
    .summary = "new Promise(async (resolve, reject) => ...)",
    .fix = AL_FIX_NONE,
    .check = check,
};
