/* AL510 yield-in-context (opt-in): an async generator that yields inside a `with` /
 * `async with` block. When the consumer stops early (break, an exception, cancellation),
 * the generator is suspended inside the block and its cleanup waits until the generator
 * is finalized — by the garbage collector or at loop shutdown, where awaiting is no
 * longer possible (PEP 533). flake8-async ASYNC119. Not reported in functions decorated
 * as context managers or fixtures (knowledge `generator_managers`), which are driven to
 * the end by their decorator. */
#include <ctype.h>
#include <string.h>

#include "common.h"

/* a cancel scope or task group around the yield is AL527's (a worse defect) */
static bool plain_with(const ir_file *f, const ir_node *w) { return !al_py_cancel_scope_item(f, w); }

static void report(const ir_file *f, const ir_node *fn, const ir_node *w, const ir_node *y, void *sink) {
  (void)f;
  al_report(sink, y, "async generator `%s` yields inside %s block (line %u): if the consumer stops early, "
            "the block's cleanup waits for the generator to be finalized (garbage collection or loop "
            "shutdown), where it can no longer await; keep the yield outside the block, or have callers use "
            "contextlib.aclosing()", fn->name ? fn->name : "?", (w->flags & IR_F_ASYNC) ? "an `async with`" : "a `with`",
            (unsigned)w->span.line);
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  /* each yield inside a with block, once (flake8-async reports ASYNC119 at the yield) */
  al_each_yield_in_with(f, true, plain_with, report, sink);
}

const al_rule rule_al510 = {
    .code = "AL510",
    .name = "yield-in-context",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_INFO,
    .summary = "an async generator yields inside a with / async with block",
    .fix = AL_FIX_NONE,
    .opt_in = true,
    .check = check,
};
