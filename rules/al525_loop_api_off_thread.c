/* AL525 loop-api-off-thread: a function that runs on another thread — handed to
 * `loop.run_in_executor()`, `asyncio.to_thread()`, `threading.Thread(target=...)`, an
 * executor's `submit()` (knowledge `offloop`); in C a libuv work callback or thread
 * entry (registrations `off`) — calls an event-loop API that only the loop's own thread
 * may call (knowledge `loop_thread_only`): `loop.call_soon()`, `asyncio.create_task()`,
 * `fut.set_result()` on an asyncio future, `event.set()` on an asyncio.Event,
 * `uv_timer_start()`, `uv_close()`. Neither asyncio's loop and objects nor libuv's are
 * thread-safe: the callback is queued without waking the loop (it runs late or never),
 * or the loop's state is corrupted; asyncio's debug mode raises RuntimeError. The
 * thread-safe ways in are `loop.call_soon_threadsafe()`,
 * `asyncio.run_coroutine_threadsafe()` and `uv_async_send()`. */
#include <stdio.h>
#include <string.h>

#include "common.h"

/* The calls of fn's own body (not of functions nested in it) that only the loop thread
 * may make, reported as running in a thread started at `start`. */
static void check_body(const ir_file *f, al_sink *sink, const ir_node *fn, const char *how) {
  const al_kb *kb = al_kb_for(f->lang);
  for (const ir_node *n = fn->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, fn) : ir_next(n, fn)) {
    if (n->kind != IR_CALL || !n->name) continue;
    const al_kb_entry *e = al_kb_match(kb, "loop_thread_only", n->name);
    if (!e) continue;
    const char *use = al_kb_attr(e, "use");
    /* `loop.call_soon(cb, x)` -> `loop.call_soon_threadsafe(cb, x)`: the same call, made safely */
    al_fix *fx = NULL;
    uint32_t open = al_callee_end(f, n);
    if (f->lang == AL_LANG_PYTHON && open >= 9 && !memcmp(f->src->text + open - 9, "call_soon", 9) &&
        open - 9 > n->span.start && f->src->text[open - 10] == '.') {
      fx = al_fix_new(AL_FIX_APPLY_SAFE, "use call_soon_threadsafe()");
      al_fix_add(fx, open, open, "_threadsafe");
    }
    al_report_fix(sink, n, fx, "`%s()` in `%s`, which runs on another thread (%s): the event loop and its objects are not "
              "thread-safe — the call is not seen by the loop until it wakes for something else, or corrupts its "
              "state%s%s", al_call_label(f, n), fn->name ? al_display_name(fn->name) : "?", how, use ? "; use " : "",
              use ? use : "");
  }
}

/* The FUNC of this file that a project function record stands for (records may point
 * into a summary copy of the file). */
static const ir_node *own_func(const ir_file *f, const al_func_info *info) {
  if (!info || !info->file || !info->file->module || !f->module || strcmp(info->file->module, f->module)) return NULL;
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root))
    if (n->kind == IR_FUNC && n->span.start == info->func->span.start && n->name && info->func->name &&
        !strcmp(n->name, info->func->name))
      return n;
  return NULL;
}

static void check_python(const ir_file *f, const al_index *idx, al_sink *sink) {
  const al_kb *kb = al_kb_for(f->lang);
  const ir_node *done[16]; /* functions checked (each once, for the first thread that runs it) */
  size_t ndone = 0;
  for (const ir_node *call = f->root; call; call = ir_next(call, f->root)) {
    if (call->kind != IR_CALL || !call->name || !al_kb_match(kb, "offloop", call->name) ||
        !strcmp(call->name, "functools.partial"))
      continue;
    for (uint32_t i = 0; i < call->nargs; i++) {
      const ir_arg *a = &call->args[i];
      if (!a->text || (a->keyword && strcmp(a->keyword, "target") && strcmp(a->keyword, "function"))) continue;
      const char *text = a->text;
      const ir_node *inner = al_arg_call(f, call, i); /* functools.partial(worker, x) */
      if (inner) {
        if (!inner->name || strcmp(inner->name, "functools.partial") || !inner->nargs) continue;
        text = inner->args[0].text;
      }
      if (!text || !*text) continue;
      const ir_node *fn = own_func(f, al_ref_fn(f, idx, call, text));
      if (!fn || (fn->flags & IR_F_ASYNC)) continue;
      bool seen = false;
      for (size_t k = 0; k < ndone && !seen; k++) seen = done[k] == fn;
      if (seen) continue;
      if (ndone < sizeof done / sizeof *done) done[ndone++] = fn;
      char how[160];
      snprintf(how, sizeof how, "started by `%s()` at line %u", al_call_label(f, call), (unsigned)call->span.line);
      check_body(f, sink, fn, how);
    }
  }
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  if (f->lang == AL_LANG_PYTHON) {
    check_python(f, idx, sink);
    return;
  }
  /* C: the index marked the functions registered to run off the loop; a thread that
   * makes and runs a loop of its own (knowledge `loop_owners`: uv_loop_init, uv_run)
   * calls into that one */
  const al_kb *kb = al_kb_for(f->lang);
  for (const ir_node *fn = f->root; fn; fn = ir_next(fn, f->root)) {
    if (fn->kind != IR_FUNC || !(fn->flags & IR_F_OFF_LOOP) || !(fn->flags & IR_F_DEFINITION)) continue;
    bool owner = false;
    for (const ir_node *n = fn->child; n && !owner; n = ir_next(n, fn))
      owner = n->kind == IR_CALL && n->name && al_kb_find(kb, "loop_owners", n->name);
    if (owner) continue;
    char how[160];
    snprintf(how, sizeof how, "%s%s%s", fn->text ? "registered via " : "a thread or work callback",
             fn->text ? fn->text : "", "");
    check_body(f, sink, fn, how);
  }
}

const al_rule rule_al525 = {
    .code = "AL525",
    .name = "loop-api-off-thread",
    .family = AL_FAMILY_HYGIENE,
    .langs = (1u << AL_LANG_PYTHON) | (1u << AL_LANG_C),
    .severity = AL_SEV_ERROR,
    .summary = "an event-loop API called from a function that runs on another thread",
    .fix = AL_FIX_SOMETIMES,
    .check = check,
};
