/* AL404 unshielded-cleanup: an `await` in a `finally` block, or in a handler that catches
 * cancellation, without a shield: when the task is being cancelled the cleanup itself
 * is cancelled at that await (always under trio/anyio's level-triggered cancel scopes;
 * under asyncio as soon as a second cancel arrives, e.g. at shutdown), so it never
 * completes. Shields: asyncio.shield(...), trio/anyio CancelScope(shield=True) or
 * move_on_after/fail_after(..., shield=True). A shielded scope needs a timeout too
 * (flake8-async ASYNC102): `CancelScope(shield=True)` without a deadline, and no timeout
 * scope inside it, lets a hung cleanup block cancellation forever. An await in any
 * except handler that re-raises afterwards (flake8-async ASYNC120): cancelled there, the
 * handled exception is replaced by the cancellation and lost. */
#include <stdio.h>
#include <string.h>

#include "common.h"

static uint32_t indent_of(const char *t, uint32_t i) {
  uint32_t k = 0;
  while (t[i + k] == ' ' || t[i + k] == '\t') k++;
  return k;
}

static bool word_at(const char *t, uint32_t i, const char *w) {
  size_t l = strlen(w);
  return !strncmp(t + i, w, l) && !al_ident_char(t[i + l]);
}

/* Whether the raise can run after the await n: no line between them at a shallower
 * indentation than n's statement opens another branch (else, elif, except, finally,
 * case), and none at n's level or shallower leaves first (return, raise, break,
 * continue). Python blocks are their indentation; the IR has no branches. */
static bool on_path(const ir_file *f, const ir_node *n, const ir_node *r) {
  const char *t = f->src->text;
  uint32_t i = n->span.start;
  while (i > 0 && t[i - 1] != '\n') i--;
  uint32_t level = indent_of(t, i);
  const char *end = memchr(t + n->span.end, '\n', r->span.start - n->span.end);
  for (i = end ? (uint32_t)(end - t) + 1 : r->span.start; i < r->span.start;) {
    uint32_t k = indent_of(t, i), s = i + k;
    if (s >= r->span.start) break; /* the raise's own line */
    if (t[s] != '\n' && t[s] != '#' && t[s] != '\r') {
      if (k < level && (word_at(t, s, "else") || word_at(t, s, "elif") || word_at(t, s, "except") ||
                        word_at(t, s, "finally") || word_at(t, s, "case")))
        return false;
      if (k <= level && (word_at(t, s, "return") || word_at(t, s, "raise") || word_at(t, s, "break") ||
                         word_at(t, s, "continue")))
        return false;
    }
    const char *nl = memchr(t + s, '\n', r->span.start - s);
    if (!nl) break;
    i = (uint32_t)(nl - t) + 1;
  }
  return true;
}

/* A raise of handler h (its own, not an inner handler's or a nested function's) that
 * can run after node n: the handled exception is re-raised (bare `raise`, `raise X from
 * e`, `raise e`). */
static const ir_node *raise_after(const ir_file *f, const ir_node *h, const ir_node *n) {
  for (const ir_node *x = h->child; x; x = x->kind == IR_FUNC ? ir_next_skip(x, h) : ir_next(x, h)) {
    if (x->kind != IR_RAISE || x->span.start <= n->span.end) continue;
    const ir_node *p = x->parent;
    while (p != h && p->kind != IR_HANDLER) p = p->parent;
    if (p == h && on_path(f, n, x)) return x;
  }
  return NULL;
}

/* ---- C: the reference runtime's sticky cancellation ---- */

/* A suspension point (knowledge `checkpoints`) in the branch that found the task
 * cancelled: cancellation is sticky in the reference runtime's design, so unless the
 * branch shielded it (`rt_shield_begin()`, knowledge `shield_calls`), it fails at once
 * with -ECANCELED — the cleanup it was for never happens. */
static void check_c(const ir_file *f, al_sink *sink) {
  const al_kb *kb = al_kb_for(f->lang);
  for (ir_node *const *at = ir_of_kind(f, IR_CALL); *at; at++) {
    const ir_node *n = *at;
    const ir_node *fn = n->name && al_kb_find(kb, "checkpoints", n->name) ? ir_enclosing_func(n) : NULL;
    if (!fn || !fn->body) continue;
    uint32_t b = al_c_cancelled_branch(f, fn, n->span.start);
    if (b == UINT32_MAX || al_c_names_any(f, "shield_calls", true, b, n->span.start)) continue;
    al_report(sink, n,
              "`%s()` runs after the task was found cancelled: cancellation stays pending, so it fails at once "
              "with -ECANCELED and the cleanup it is for never completes; shield it with rt_shield_begin(deadline) "
              "... rt_shield_end()",
              al_call_label(f, n));
  }
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  if (f->lang == AL_LANG_C) {
    check_c(f, sink);
    return;
  }
  const al_kb *kb = al_kb_for(f->lang);
  ir_kinds_iter n_it = ir_kinds(f, IR_KINDS(IR_AWAIT, IR_WITH, IR_LOOP));
  for (const ir_node *n; (n = ir_kinds_next(&n_it));) {
    /* await points: `await`, and `async with` / `async for` (they await on entry, exit
     * and each step) */
    bool async_stmt = (n->kind == IR_WITH || n->kind == IR_LOOP) && (n->flags & IR_F_ASYNC);
    if (n->kind != IR_AWAIT && !async_stmt) continue;
    if (async_stmt && n->kind == IR_WITH && al_shielded_with(f, n)) continue;
    const ir_node *cleanup = NULL, *handler = NULL;
    bool shielded = false, timed = false;
    const al_kb_entry *untimed = NULL; /* the shield without a timeout */
    const ir_node *p = n->parent;
    for (; p && p->kind != IR_FUNC; p = p->parent) {
      /* a timeout inside the shield bounds the cleanup; one outside it cannot reach in */
      if (p->kind == IR_WITH && !shielded && al_with_times_out(f, p)) timed = true;
      if (p->kind == IR_WITH && !shielded && al_shielded_with(f, p)) {
        shielded = true;
        if (!timed) untimed = al_with_untimed(f, p);
      }
      /* the cleanup handles its own cancellation: try: await x / except Cancelled: */
      if (p->kind == IR_TRY && !cleanup)
        for (const ir_node *h = p->child; h; h = h->next)
          if (h->kind == IR_HANDLER && h->span.start > n->span.start && al_handler_catches_cancel(f, h, false))
            shielded = true;
      if (p->kind == IR_FINALLY || (p->kind == IR_HANDLER && (al_handler_catches_cancel(f, p, false) ||
                                                              al_handler_catches_cancel(f, p, true)))) {
        cleanup = p;
        break;
      }
      if (p->kind == IR_HANDLER && !handler) handler = p;
    }
    /* an async context manager's `__aexit__` runs as the `async with` block is left, also
     * when the block was cancelled (flake8-async ASYNC102 counts it as cleanup): under trio
     * and anyio, whose cancellation is level-triggered, its await raises at once. (Under
     * asyncio the cancellation was delivered already; handing on to an inner manager's
     * `__aexit__` is that manager's own exit.) */
    if (!cleanup && !handler && p && p->kind == IR_FUNC && (p->flags & IR_F_ASYNC) && p->name &&
        (al_ends_with(p->name, ".__aexit__") || !strcmp(p->name, "__aexit__")) && !async_stmt &&
        !(n->child && n->child->kind == IR_CALL && n->child->name && al_ends_with(n->child->name, ".__aexit__")) &&
        strcmp(al_py_async_lib_at(f, n), "asyncio"))
      cleanup = p;
    /* an except handler that re-raises after the await (flake8-async ASYNC120): if the
     * await is cancelled, Cancelled replaces the exception being handled, which is lost */
    const ir_node *reraise = !cleanup && handler && !shielded ? raise_after(f, handler, n) : NULL;
    if (reraise) cleanup = handler;
    if (!cleanup || (shielded && !untimed)) continue;
    const ir_node *awaited = async_stmt ? NULL : n->child;
    if (awaited && awaited->kind == IR_CALL && awaited->name &&
        (al_kb_match(kb, "shields", awaited->name) || al_kb_match(kb, "cancel_safe_cleanup", awaited->name)))
      continue;
    const ir_node *fn = NULL;
    if (!al_in_async_code(f, n, &fn) || al_expected_to_raise(f, n)) continue;
    const char *lib = al_py_async_lib_at(f, n);
    const char *how = !strcmp(lib, "asyncio")
                          ? "wrap it in asyncio.shield() (bounded by asyncio.timeout())"
                          : !strcmp(lib, "trio") ? "run it under `with trio.move_on_after(t, shield=True):`"
                                                 : "run it under `with anyio.move_on_after(t, shield=True):`";
    const char *what = !async_stmt ? "await" : n->kind == IR_WITH ? "async with" : "async for";
    const char *where = cleanup->kind == IR_FINALLY ? "`finally`"
                        : cleanup->kind == IR_FUNC  ? "`__aexit__` (it also runs when the block was cancelled)"
                                                    : "a cancellation handler";
    if (reraise)
      al_report(sink, n, "`%s` in an except handler of async function `%s` that re-raises (line %u): if the task is "
                "cancelled at this await, the cancellation replaces the exception being handled and it is lost; "
                "%s, or re-raise before awaiting", what, fn && fn->name ? fn->name : "?", reraise->span.line, how);
    else if (untimed)
      al_report(sink, n, "`%s` in %s of async function `%s` is shielded without a timeout: if it hangs, nothing "
                "can cancel it and shutdown waits forever; give the scope a deadline (`%s`)", what, where,
                fn && fn->name ? fn->name : "?",
                al_kb_attr(untimed, "use") ? al_kb_attr(untimed, "use") : "move_on_after(t, shield=True)");
    else
      al_report(sink, n, "`%s` in %s of async function `%s` is not shielded: if the task is being cancelled this "
                "cleanup is cancelled too and never completes; %s", what, where, fn && fn->name ? fn->name : "?", how);
  }
}

const al_rule rule_al404 = {
    .code = "AL404",
    .name = "unshielded-cleanup",
    .family = AL_FAMILY_CANCELLATION,
    .langs = (1u << AL_LANG_PYTHON) | (1u << AL_LANG_C),
    .severity = AL_SEV_WARNING,
    .summary = "an await in finally/cancellation cleanup without a shield",
    .fix = AL_FIX_NONE,
    .check = check,
};
