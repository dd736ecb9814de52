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

#define MAX_TYPED 8

/* keyword is a thread start's keyword of that role (knowledge `thread_start_keywords`:
 * `target`/`function` name the function, `args` its arguments). */
static bool keyword_role(const ir_file *f, const char *keyword, const char *role) {
  return al_kb_attr_is(al_kb_find(al_kb_for(f->lang), "thread_start_keywords", keyword), "role", role);
}

/* What the thread's function gets from the caller: a parameter and the type of the
 * local passed for it there (`fut` <- `fut = loop.create_future()`: asyncio.Future). */
typedef struct {
  const char *param[MAX_TYPED], *type[MAX_TYPED];
  int n;
} typed_params;

/* The call's name as its receiver's type spells it (`fut.set_result` with fut typed
 * asyncio.Future -> asyncio.Future.set_result), in buf; or the name itself. */
static const char *typed_name(const ir_node *n, const typed_params *tp, char *buf, size_t cap) {
  const char *t = n->text ? n->text : n->name;
  for (int i = 0; tp && i < tp->n; i++) {
    size_t pl = strlen(tp->param[i]);
    if (!strncmp(t, tp->param[i], pl) && t[pl] == '.' && !strchr(t + pl + 1, '.')) {
      snprintf(buf, cap, "%s%s", tp->type[i], t + pl);
      return buf;
    }
  }
  return n->name;
}

/* The calls of fn's own body (not of functions nested in it) that only the loop thread
 * may make, reported as running on another thread (`how` says which start); tp types
 * fn's parameters by what the start passes (NULL: none known). */
static void check_body(const ir_file *f, al_sink *sink, const ir_node *fn, const char *how, const typed_params *tp) {
  const al_kb *kb = al_kb_for(f->lang);
  for (const ir_node *n = fn->child; n; n = n->kind == IR_FUNC ? ir_next_skip(n, fn) : ir_next(n, fn)) {
    if (n->kind != IR_CALL || !n->name) continue;
    char buf[256];
    const al_kb_entry *e = al_kb_match(kb, "loop_thread_only", typed_name(n, tp, buf, sizeof buf));
    if (!e) continue;
    const char *use = al_kb_attr(e, "use");
    /* `loop.call_soon(cb, x)` -> `loop.call_soon_threadsafe(cb, x)`: the same call, made
     * safely (the entry's `safe` method) */
    al_fix *fx = NULL;
    const char *safe = al_kb_attr(e, "safe"), *method = n->text ? strrchr(n->text, '.') : NULL;
    uint32_t open = al_callee_end(f, n);
    size_t ml = method ? strlen(method + 1) : 0;
    if (safe && ml && open >= ml && open - ml > n->span.start && !memcmp(f->src->text + open - ml, method + 1, ml) &&
        f->src->text[open - ml - 1] == '.') {
      fx = al_fix_new(AL_FIX_APPLY_SAFE, "use the thread-safe method");
      al_fix_add(fx, open - ml, open, safe);
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
  for (ir_node *const *n_at = ir_of_kind(f, IR_FUNC); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if (n->span.start == info->func->span.start && n->name && info->func->name &&
        !strcmp(n->name, info->func->name))
      return n;
  }
  return NULL;
}

/* The type of the local `name` where `at` passes it: what the call that last assigned it
 * before `at` makes (a class constructed, or knowledge `returns`), or NULL. */
static const char *local_type(const ir_file *f, const ir_node *at, const char *name) {
  const ir_node *fn = ir_enclosing_func(at), *root = fn ? fn : f->root, *bound = NULL;
  for (const ir_node *n = root->child; n && n->span.start < at->span.start;
       n = n->kind == IR_FUNC ? ir_next_skip(n, root) : ir_next(n, root))
    if (n->kind == IR_CALL && n->alias && n->name && !strcmp(n->alias, name)) bound = n;
  if (!bound) return NULL;
  const al_kb_entry *r = al_kb_match(al_kb_for(f->lang), "returns", bound->name);
  if (r && al_kb_attr(r, "type")) return al_kb_attr(r, "type");
  return al_capitalised_last(bound->name) ? bound->name : NULL;
}

/* Binds the thread function's parameters to the types of the locals the start passes
 * after the function (`to_thread(work, fut)`, `run_in_executor(None, work, fut)`) or in
 * `args=(fut,)`. */
static void bind_params(const ir_file *f, const ir_node *call, uint32_t fn_arg, const ir_node *fn, typed_params *tp) {
  tp->n = 0;
  uint32_t first = fn->nargs && fn->args[0].text && (!strcmp(fn->args[0].text, "self") || !strcmp(fn->args[0].text,
                                                                                                     "cls"))
                       ? 1 : 0;
  char one[64];
  for (uint32_t i = fn_arg + 1, p = first; i < call->nargs && p < fn->nargs && tp->n < MAX_TYPED; i++) {
    const ir_arg *a = &call->args[i];
    const char *text = a->text;
    if (a->keyword && keyword_role(f, a->keyword, "args") && text && (text[0] == '(' || text[0] == '[')) {
      /* `args=(fut, ev)`: its names, in order (not past a nested bracket: the commas
       * would no longer count the elements) */
      if (strpbrk(text + 1, "([{")) continue;
      const char *q = text + 1;
      while (*q && tp->n < MAX_TYPED && p < fn->nargs) {
        while (*q == ' ') q++;
        size_t k = 0;
        while (al_ident_char(q[k])) k++;
        if (k && k < sizeof one && (q[k] == ',' || q[k] == ')' || q[k] == ']' || q[k] == ' ')) {
          memcpy(one, q, k);
          one[k] = 0;
          const char *ty = local_type(f, call, one);
          if (ty && fn->args[p].text) {
            tp->param[tp->n] = fn->args[p].text;
            tp->type[tp->n++] = ty;
          }
        }
        p++;
        const char *comma = strchr(q, ',');
        if (!comma) break;
        q = comma + 1;
      }
      continue;
    }
    if (a->keyword || !text) continue;
    const char *ty = al_is_identifier(text) ? local_type(f, call, text) : NULL;
    if (ty && fn->args[p].text) {
      tp->param[tp->n] = fn->args[p].text;
      tp->type[tp->n++] = ty;
    }
    p++;
  }
}

/* `run()` of a class derived from one of the knowledge `thread_classes`
 * (`class Pump(threading.Thread)`): it runs on the thread the class starts. */
static void check_thread_classes(const ir_file *f, al_sink *sink) {
  const al_kb *kb = al_kb_for(f->lang);
  for (ir_node *const *cls_at = ir_of_kind(f, IR_CLASS); *cls_at; cls_at++) {
    const ir_node *cls = *cls_at;
    if (!cls->name) continue;
    const char *method = NULL, *base = NULL;
    for (uint32_t i = 0; i < cls->nargs && !method; i++) {
      const ir_arg *b = &cls->args[i]; /* a base: its name in its module (keyword: the module), or as written */
      char full[256];
      if (!b->text) continue;
      if (b->keyword) snprintf(full, sizeof full, "%s.%s", b->keyword, b->text);
      const al_kb_entry *e = al_kb_find(kb, "thread_classes", b->keyword ? full : al_imported_name(f, b->text));
      if (e) {
        method = al_kb_attr(e, "method");
        base = e->name;
      }
    }
    if (!method) continue;
    for (const ir_node *fn = cls->child; fn; fn = fn->next) {
      const char *dot = fn->kind == IR_FUNC && fn->name ? strrchr(fn->name, '.') : NULL;
      if (!dot || strcmp(dot + 1, method) || (fn->flags & IR_F_ASYNC)) continue;
      char how[160];
      snprintf(how, sizeof how, "the %s() of a %s subclass", method, base);
      check_body(f, sink, fn, how, NULL);
    }
  }
}

static void check_python(const ir_file *f, const al_index *idx, al_sink *sink) {
  const al_kb *kb = al_kb_for(f->lang);
  check_thread_classes(f, sink);
  const ir_node *done[16]; /* functions checked (each once, for the first thread that runs it) */
  size_t ndone = 0;
  for (ir_node *const *call_at = ir_of_kind(f, IR_CALL); *call_at; call_at++) {
    const ir_node *call = *call_at;
    if (!call->name || !al_kb_match(kb, "offloop", call->name) ||
        al_kb_find(kb, "partials", call->name))
      continue;
    for (uint32_t i = 0; i < call->nargs; i++) {
      const ir_arg *a = &call->args[i];
      if (!a->text || (a->keyword && !keyword_role(f, a->keyword, "function"))) continue;
      const char *text = a->text;
      const ir_node *inner = al_arg_call(f, call, i); /* functools.partial(worker, x) */
      if (inner) {
        if (!inner->name || !al_kb_find(kb, "partials", inner->name) || !inner->nargs) continue;
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
      typed_params tp;
      if (inner) bind_params(f, inner, 0, fn, &tp); /* functools.partial(work, fut) */
      else bind_params(f, call, i, fn, &tp);
      check_body(f, sink, fn, how, &tp);
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
  for (ir_node *const *fn_at = ir_of_kind(f, IR_FUNC); *fn_at; fn_at++) {
    const ir_node *fn = *fn_at;
    if (!(fn->flags & IR_F_OFF_LOOP) || !(fn->flags & IR_F_DEFINITION)) continue;
    bool owner = false;
    for (const ir_node *n = fn->child; n && !owner; n = ir_next(n, fn))
      owner = n->kind == IR_CALL && n->name && al_kb_find(kb, "loop_owners", n->name);
    if (owner) continue;
    char how[160];
    snprintf(how, sizeof how, "%s%s%s", fn->text ? "registered via " : "a thread or work callback",
             fn->text ? fn->text : "", "");
    check_body(f, sink, fn, how, NULL);
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
