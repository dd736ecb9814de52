/* AL210 blocking-via-helper: an async function calls a synchronous project function
 * that blocks, directly or through further helpers (depth-limited, see the index's
 * blocking summary). The message shows the chain down to the blocking API. */
#include <string.h>

#include "common.h"

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  for (ir_node *const *n_at = ir_of_kind(f, IR_CALL); *n_at; n_at++) {
    const ir_node *n = *n_at;
    const ir_node *fn = NULL;
    const al_func_info *callee = al_index_resolve(idx, f, n);
    if (!callee || (callee->func->flags & IR_F_ASYNC)) continue;
    /* C: a helper that itself runs on the loop gets its blocking call reported in place */
    if (f->lang == AL_LANG_C && (callee->func->flags & IR_F_LOOP_REACHED) && !(callee->func->flags & IR_F_MAY_BLOCK))
      continue;
    if (!al_on_loop(f, n, &fn) || al_expected_to_raise(f, n)) continue;
    /* only now its blocking summary is read (and, speculating, recorded: a call off the loop
     * does not depend on it) */
    if (!al_index_blocking(callee)->block_depth) continue;
    /* C: it blocks only when given (no) callback, and this call gives the other */
    if (callee->block_cond && !al_guard_eval(callee->block_cond, n)) continue;
    al_buf chain = {0};
    al_buf_printf(&chain, "%s%s", n->text ? n->text : n->name, al_call_parens(n));
    const al_func_info *c = callee;
    const al_kb_entry *api = NULL;
    const ir_node *last = NULL;
    for (int guard = 0; c && guard <= AL_BLOCK_MAX_DEPTH; guard++) {
      last = c->block_call;
      if (last->kind == IR_FUNC) { /* annotated ASYNCLINT_MAY_BLOCK */
        al_buf_puts(&chain, " (annotated may-block)");
        break;
      }
      if (last->kind == IR_LOOP) {
        const char *cond = last->name ? last->name : "?";
        if (f->lang == AL_LANG_PYTHON) al_buf_printf(&chain, " -> while %s: pass", cond);
        else al_buf_printf(&chain, cond[0] == '(' ? " -> while %s {}" : " -> while (%s) {}", cond);
        break;
      }
      if (last->kind == IR_WITH) /* an executor's exit waiting for the work submitted in the block */
        al_buf_printf(&chain, " -> leaving `with %s` (it waits for the work submitted in it)", last->name ? last->name : "?");
      else if (last->kind == IR_CALL && (last->flags & IR_F_READ_LOCAL)) /* `for b in qs`: the query qs holds */
        al_buf_printf(&chain, " -> %s (a lazy %s() queryset, read)", last->text, last->member ? last->member : last->name);
      else
        al_buf_printf(&chain, " -> %s%s", last->text ? last->text : last->name, al_call_parens(last));
      api = c->block_api;
      if (api) break;
      c = c->block_via;
    }
    const char *cat = api ? al_kb_attr(api, "category") : NULL;
    char advice_buf[320];
    const char *use = api ? al_c_loop_advice(f, fn, cat, api, advice_buf, sizeof advice_buf) : NULL;
    const ir_node *off = al_offloop_arg_of(f, n);
    if (off) {
      al_report_fix(sink, n, al_pass_function_fix(f, n, AL_FIX_APPLY_UNSAFE), "`%s()` blocks the event loop in %s: %s — it is called "
                    "here, and only its result is handed to `%s()`; pass the function and its arguments "
                    "(`%s(%s, ...)`)", n->text ? n->text : n->name, al_context_label(f, fn), chain.data,
                    al_call_label(f, off), al_call_label(f, off), n->text ? n->text : n->name);
      al_buf_free(&chain);
      continue;
    }
    /* Python's advice starts with the helper on a thread; an API's own advice that ends in
     * the same (`aiosqlite, or asyncio.to_thread()`) keeps the rest only */
    char use_rest[256] = "";
    if (use && f->lang == AL_LANG_PYTHON) {
      snprintf(use_rest, sizeof use_rest, "%s", use);
      size_t ul = strlen(use_rest), tl = strlen("asyncio.to_thread()");
      if (ul >= tl && !strcmp(use_rest + ul - tl, "asyncio.to_thread()")) {
        ul -= tl;
        static const char *const joins[] = {", or ", " or ", ", "};
        for (int k = 0; k < 3; k++) {
          size_t jl = strlen(joins[k]);
          if (ul >= jl && !strncmp(use_rest + ul - jl, joins[k], jl)) {
            ul -= jl;
            break;
          }
        }
        use_rest[ul] = 0;
      }
      use = use_rest;
    }
    char *rel = al_fmt("%s: the blocking call", cat ? al_category_label(cat) : last && last->kind == IR_LOOP ? "busy-wait" : "blocking call");
    al_report_related(sink, n, c ? c->file : NULL, last, rel, "`%s%s` blocks the event loop in %s: %s (%s at %s:%u)%s%s",
              n->text ? n->text : n->name, al_call_parens(n), al_context_label(f, fn), chain.data,
              cat ? al_category_label(cat) : last && last->kind == IR_LOOP ? "busy-wait" : "blocking call", c ? c->file->src->path : "?", last ? last->span.line : 0,
              !use ? "" : f->lang != AL_LANG_PYTHON ? "; use " : *use ? "; run the helper with asyncio.to_thread(), or use "
                                                                     : "; run the helper with asyncio.to_thread()",
              use ? use : "");
    free(rel);
    al_buf_free(&chain);
  }
}

const al_rule rule_al210 = {
    .code = "AL210",
    .name = "blocking-via-helper",
    .family = AL_FAMILY_BLOCKING,
    .langs = AL_LANGS_ALL,
    .severity = AL_SEV_WARNING,
    .summary = "an async function calls a synchronous project function that blocks (chain shown)",
    .fix = AL_FIX_UNSAFE,
    .check = check,
};
