/* AL508 await-in-loop: an `await` in the body of a for / for...of / for...in loop in
 * which iterations look independent: no break/return/continue depending on a result,
 * no value carried from one iteration into the next one's await,
 * not itself a `for await` (one nested in its body counts as an await), not a pacing
 * sleep, no lock. Awaiting one by one serialises work
 * that could overlap (bounded: see AL301/AL302 for the unbounded opposite). */
#include <string.h>

#include "common.h"

static bool loop_exits(const ir_node *loop) {
  for (const ir_node *n = loop->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, loop) : ir_next(n, loop))
    if (n->kind == IR_BREAK || n->kind == IR_RETURN || n->kind == IR_CONTINUE || n->kind == IR_RAISE) return true;
  return false;
}

/* Something assigned in the loop body is read by the loop's own header (a cursor). */
static bool carries_state(const ir_node *loop) {
  for (const ir_node *n = loop->child; n; n = ir_next(n, loop)) {
    if (n->kind != IR_ASSIGN || !n->name || n->span.start < loop->body) continue; /* not the header's own */
    if (al_text_mentions(loop->name, n->name)) return true; /* (`r` is not read by `u of urls`) */
  }
  return false;
}

/* A variable the body assigns is read by an await at or before that assignment
 * (`prev = await step(x, prev)`, `await log(last); last = x`): each iteration waits on
 * the previous one's value, so they cannot run together. */
static bool carried_into_await(const ir_file *f, const ir_node *loop) {
  const char *t = f->src->text;
  for (const ir_node *a = loop->child; a; a = ir_next(a, loop)) {
    if (a->kind != IR_ASSIGN || !a->name || a->span.start < loop->body || strpbrk(a->name, ".[")) continue;
    size_t nl = strlen(a->name);
    for (const ir_node *w = loop->child; w; w = ir_next(w, loop)) {
      if (w->kind != IR_AWAIT || w->span.start < loop->body || w->span.start > a->span.end) continue;
      for (uint32_t i = w->span.start; i + nl <= w->span.end; i++)
        if (!memcmp(t + i, a->name, nl) && !al_ident_char(t[i - 1]) && t[i - 1] != '.' &&
            (i + nl == w->span.end || !al_ident_char(t[i + nl])))
          return true;
    }
  }
  return false;
}

/* use (a read of a variable) reads one the loop's body assigns. */
static bool made_in_body(const ir_node *loop, const ir_node *use) {
  if (!use || use->kind != IR_USE || !use->name) return false;
  for (const ir_node *a = loop->child; a; a = ir_next(a, loop))
    if (a->kind == IR_ASSIGN && a->name && a->span.start >= loop->body && !strcmp(a->name, use->name)) return true;
  return false;
}

static bool deliberate(const ir_file *f, const ir_node *aw) {
  const ir_node *c = aw->child;
  if (!c || c->kind != IR_CALL || !c->name) return false;
  if (al_kb_match(al_kb_for(f->lang), "gather", c->name)) return true; /* awaiting a batch: chunking */
  return al_kb_match(al_kb_for(f->lang), "sleeps", c->name) != NULL; /* pacing */
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  for (ir_node *const *loop_at = ir_of_kind(f, IR_LOOP); *loop_at; loop_at++) {
    const ir_node *loop = *loop_at;
    if ((loop->flags & (IR_F_WHILE | IR_F_ASYNC)) || !loop->body) continue;
    if (loop_exits(loop) || carries_state(loop) || carried_into_await(f, loop)) continue;
    const ir_node *fn = al_real_func(loop);
    if (!fn || !(fn->flags & IR_F_ASYNC)) continue;
    for (const ir_node *n = loop->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, loop) : ir_next(n, loop)) {
      bool inner_for_await = n->kind == IR_LOOP && (n->flags & IR_F_ASYNC); /* awaits each step */
      if ((n->kind != IR_AWAIT && !inner_for_await) || n->span.start < loop->body) continue;
      /* `for (const p of pending) await p;`: a promise made before the loop is already running,
       * and awaiting it in turn serialises nothing (one the body makes, `const p = load(x);
       * await p;`, does) */
      if (!inner_for_await && !(n->child && n->child->kind == IR_CALL) && !made_in_body(loop, n->child)) continue;
      if (!inner_for_await && deliberate(f, n)) break;
      al_report(sink, n, "%s inside a loop runs the iterations one after another; if they are independent, "
                "start them together and await Promise.all() (with a limit for large inputs)",
                inner_for_await ? "`for await`" : "`await`");
      break;
    }
  }
}

const al_rule rule_al508 = {
    .code = "AL508",
    .name = "await-in-loop",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_JS,
    .severity = AL_SEV_INFO,
    .summary = "await inside a loop whose iterations look independent (serialised work)",
    .fix = AL_FIX_NONE,
    .opt_in = true,
    .check = check,
};
