/* AL406 free-after-cancel: the memory of a request is released right after cancelling
 * it (`uv_cancel(req); free(req);`), or of a handle right after closing it
 * (`uv_close(h, NULL); free(h);`; knowledge `cancel_calls`). A cancelled request's
 * callback still runs later (with UV_ECANCELED) and touches the request, a closing
 * handle is used by the loop until its close callback: use after free. Free it in the
 * callback. */
#include <string.h>

#include "common.h"


/* A call that runs the event loop (knowledge `blocking`, category nested_loop:
 * uv_run, event_base_dispatch, ...): pending callbacks, close callbacks included, run. */
static bool runs_loop(const al_kb *kb, const ir_node *n) {
  const al_kb_entry *e = al_kb_find(kb, "blocking", n->name);
  const char *cat = e ? al_kb_attr(e, "category") : NULL;
  return cat && !strcmp(cat, "nested_loop");
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  const al_kb *kb = al_kb_for(f->lang);
  for (ir_node *const *c_at = ir_of_kind(f, IR_CALL); *c_at; c_at++) {
    const ir_node *c = *c_at;
    const al_kb_entry *e;
    if (c->kind != IR_CALL || !c->name || !c->nargs || !c->args[0].text || !(e = al_kb_find(kb, "cancel_calls", c->name)))
      continue;
    const char *what = al_kb_attr(e, "what");
    char req[128];
    al_c_object_of(c->args[0].text, req, sizeof req);
    if (!*req) continue;
    const ir_node *fn = ir_enclosing_func(c);
    if (!fn) continue;
    for (const ir_node *n = ir_next(c, fn); n; n = ir_next(n, fn)) {
      if (n->kind == IR_CALL && n->name && runs_loop(kb, n)) break; /* `uv_run(loop, ...)`: the callbacks ran */
      if (n->kind != IR_CALL || !n->name || !n->nargs || !n->args[0].text || !al_kb_find(kb, "free_calls", n->name))
        continue;
      char freed[128];
      al_c_object_of(n->args[0].text, freed, sizeof freed);
      size_t fl = strlen(freed);
      /* the request itself, or the object it is a member of (`&c->tcp` is freed with c; not
       * `req->handle`, a pointer kept in req: freeing req leaves the handle alone) */
      if (strncmp(freed, req, fl) ||
          (req[fl] && ((strncmp(req + fl, "->", 2) && req[fl] != '.') || *al_c_skip_casts(c->args[0].text) != '&')))
        continue;
      al_report(sink, n, "`%s(%s)` right after `%s()`: %s; release it in the callback", n->text ? n->text : n->name,
                freed, c->text ? c->text : c->name,
                what ? what : "the cancelled request's callback still runs later (with UV_ECANCELED) and uses it");
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
