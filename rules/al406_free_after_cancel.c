/* AL406 free-after-cancel: the memory of a request is released right after cancelling
 * it (`uv_cancel(req); free(req);`). A cancelled request's callback still runs later
 * (with UV_ECANCELED) and touches the request: use after free. Free it in the callback. */
#include <string.h>

#include "common.h"


static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  const al_kb *kb = al_kb_for(f->lang);
  for (const ir_node *c = f->root; c; c = ir_next(c, f->root)) {
    if (c->kind != IR_CALL || !c->name || !c->nargs || !c->args[0].text || !al_kb_find(kb, "cancel_calls", c->name))
      continue;
    char req[128];
    al_c_object_of(c->args[0].text, req, sizeof req);
    if (!*req) continue;
    const ir_node *fn = ir_enclosing_func(c);
    if (!fn) continue;
    for (const ir_node *n = ir_next(c, fn); n; n = ir_next(n, fn)) {
      if (n->kind != IR_CALL || !n->name || !n->nargs || !n->args[0].text || !al_kb_find(kb, "free_calls", n->name))
        continue;
      char freed[128];
      al_c_object_of(n->args[0].text, freed, sizeof freed);
      if (strcmp(freed, req)) continue;
      al_report(sink, n, "`%s(%s)` right after `%s()`: the cancelled request's callback still runs later (with "
                "UV_ECANCELED) and uses it; release it in the callback", n->text ? n->text : n->name, freed,
                c->text ? c->text : c->name);
      break;
    }
  }
}

const al_rule rule_al406 = {
    .code = "AL406",
    .name = "free-after-cancel",
    .family = AL_FAMILY_CANCELLATION,
    .langs = 1u << AL_LANG_C,
    .severity = AL_SEV_ERROR,
    .summary = "a request's memory is released right after cancelling it (its callback still runs)",
    .fix = AL_FIX_NONE,
    .check = check,
};
