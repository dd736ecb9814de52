/* AL105 result-before-callback: a libuv request started with a callback (an async
 * request: knowledge `registrations` with `cancel`) whose result fields (`req.result`,
 * `req->statbuf`, ...: knowledge `request_results`) are read in the same function right
 * after starting it. The callback has not run yet: the fields hold nothing. */
#include <string.h>

#include "common.h"


static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  const al_kb *kb = al_kb_for(f->lang);
  const al_kb_section *fields = al_kb_section_get(kb, "request_results");
  const char *t = f->src->text;
  for (ir_node *const *c_at = ir_of_kind(f, IR_CALL); *c_at && fields; c_at++) {
    const ir_node *c = *c_at;
    if (!c->name || c->nargs < 3) continue;
    const al_kb_entry *e = al_kb_find(kb, "registrations", c->name);
    if (!e || !al_kb_attr(e, "cancel") || (c->args[c->nargs - 1].flags & IR_ARG_NULL)) continue;
    if (!strncmp(c->name, "uv_queue_work", 13)) continue; /* no result fields */
    char req[96];
    al_c_object_of(c->args[1].text ? c->args[1].text : "", req, sizeof req);
    if (!*req) continue;
    const ir_node *fn = ir_enclosing_func(c);
    if (!fn) continue;
    bool found = false;
    for (size_t k = 0; k < fields->entries.len && !found; k++) {
      const char *fld = ((const al_kb_entry *)fields->entries.items[k])->name;
      char dot[160], arrow[160];
      snprintf(dot, sizeof dot, "%s.%s", req, fld);
      snprintf(arrow, sizeof arrow, "%s->%s", req, fld);
      for (uint32_t o = c->span.end; o < fn->span.end && !found; o++) {
        uint32_t past = al_skip_comment_or_literal(f, o, fn->span.end); /* not in a comment or a string */
        if (past != o) {
          o = past - 1;
          continue;
        }
        if (o > 0 && (t[o - 1] == '_' || t[o - 1] == '.' || t[o - 1] == '>' ||
                      (t[o - 1] >= 'a' && t[o - 1] <= 'z') || (t[o - 1] >= 'A' && t[o - 1] <= 'Z')))
          continue;
        if (!strncmp(t + o, dot, strlen(dot)) || !strncmp(t + o, arrow, strlen(arrow))) {
          found = true;
          al_report(sink, c, "`%s()` starts an asynchronous request, but `%s` is read right after it in `%s`: the "
                    "callback has not run yet, so it holds no result; read it in the callback",
                    c->text ? c->text : c->name, !strncmp(t + o, dot, strlen(dot)) ? dot : arrow,
                    fn->name ? fn->name : "?");
        }
      }
    }
  }
}

const al_rule rule_al105 = {
    .code = "AL105",
    .name = "result-before-callback",
    .family = AL_FAMILY_MISSING_AWAIT,
    .langs = 1u << AL_LANG_C,
    .severity = AL_SEV_ERROR,
    .summary = "a request's result is read right after starting it, before its callback ran",
    .fix = AL_FIX_NONE,
    .check = check,
};
