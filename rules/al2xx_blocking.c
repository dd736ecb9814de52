/* AL201-AL207 blocking-*: a blocking call made on the event loop (inside an async
 * function, not handed to an off-loop executor). One code per category of the
 * `blocking` knowledge data, so users can select or ignore a category; the seven rules
 * share one check parameterized by the category (a table, not seven copies).
 * AL201 has a fix: time.sleep(x) -> await asyncio.sleep(x) (trio/anyio as imported). */
#include <string.h>

#include "common.h"

static al_fix *sleep_fix(const ir_file *f, const ir_node *call) {
  if (f->lang != AL_LANG_PYTHON || call->use != IR_USE_DISCARDED) return NULL;
  const char *lib = al_py_async_lib_at(f, call);
  const char *alias = al_py_module_alias(f, lib);
  char *title = al_fmt("replace with `await %s.sleep(...)`", alias ? alias : lib);
  al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, title);
  free(title);
  char *callee = al_fmt("await %s.sleep", alias ? alias : lib);
  al_fix_add(fx, call->span.start, al_callee_end(f, call), callee);
  free(callee);
  if (!alias) al_py_add_import(fx, f, lib);
  return fx;
}


/* An argument that looks like a file descriptor (`0`, or ending as knowledge
 * `fd_name_suffixes` says: `fd`, `process.stdin.fd`, `outFd`): fs.readFileSync takes
 * one, fs.promises.readFile does not (ERR_INVALID_ARG_TYPE). */
static bool looks_like_fd(const ir_file *f, const char *t) {
  if (!t || !*t) return false;
  if (*t >= '0' && *t <= '9') return true;
  const al_kb_section *sx = al_kb_section_get(al_kb_for(f->lang), "fd_name_suffixes");
  for (size_t i = 0; sx && i < sx->entries.len; i++)
    if (al_ends_with(t, ((const al_kb_entry *)sx->entries.items[i])->name)) return true;
  return false;
}

/* JS, inside an async function: fs.xSync(args) -> await <fs>.promises.x(args), through
 * the name fs is bound to; a named import (`readFileSync(...)`) gets
 * `import { x as xAsync } from 'node:fs/promises'` (or the require() form). Unsafe:
 * other callbacks now run while the file operation is in flight. */
static al_fix *fs_promise_fix(const ir_file *f, const ir_node *call, const al_kb_entry *e, const ir_node *fn) {
  const char *promise = al_kb_attr(e, "promise");
  if (f->lang != AL_LANG_JS || !promise || !fn || !(fn->flags & IR_F_ASYNC) || !call->text) return NULL;
  if (call->use != IR_USE_DISCARDED && call->use != IR_USE_ASSIGNED && call->use != IR_USE_RETURNED &&
      call->use != IR_USE_PASSED)
    return NULL; /* `fs.readFileSync(p).toString()`: await would bind to the wrong call */
  if (!call->module || strcmp(call->module, "fs")) return NULL;
  if (call->nargs && looks_like_fd(f, call->args[0].text)) return NULL; /* the promise API takes no fd */
  const char *dot = strrchr(call->text, '.');
  al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "use the fs.promises API");
  char *repl;
  if (dot && call->text[0] == '(') {
    /* `require('fs').readFileSync(p)`: the receiver as written (the dotted text has `()`) */
    const char *src = f->src->text + call->span.start;
    uint32_t end = al_callee_end(f, call);
    const char *d = NULL;
    for (const char *q = src; q < f->src->text + end; q++)
      if (*q == '.') d = q;
    if (!d) {
      al_fix_free(fx);
      return NULL;
    }
    repl = al_fmt("await %.*s.promises.%s", (int)(d - src), src, promise);
  } else if (dot) {
    repl = al_fmt("await %.*s.promises.%s", (int)(dot - call->text), call->text, promise);
  } else {
    repl = al_fmt("await %sAsync", promise);
    bool esm = false;
    const ir_node *first = NULL;
    for (const ir_node *x = f->root->child; x; x = x->next)
      if (x->kind == IR_IMPORT && !first) first = x;
    uint32_t at = first ? al_line_start(f, first->span.start) : 0;
    esm = first && al_starts_with(f->src->text + at, "import");
    char *imp = esm ? al_fmt("import { %s as %sAsync } from 'node:fs/promises';\n", promise, promise)
                    : al_fmt("const { %s: %sAsync } = require('node:fs/promises');\n", promise, promise);
    al_fix_add(fx, at, at, imp);
    free(imp);
  }
  al_fix_add(fx, call->span.start, al_callee_end(f, call), repl);
  free(repl);
  return fx;
}


/* The blocking sites of a file (calls and `with` items matching the blocking knowledge,
 * busy-wait loops), found once and shared by the category rules that run on the file
 * one after the other: without it each of the eleven rules walked every call. The
 * sites live in the file's arena; the memo is per thread and keyed by serials, so a
 * re-lowered file or a rebuilt index never reads a stale one. */
typedef struct site {
  const ir_node *n;
  const al_kb_entry *e; /* NULL: a busy-wait loop */
  const char *item;     /* WITH: the blocking item; CALL: the blocking function it hands to the loop */
} site;

/* A blocking API handed by name to a call that runs it on the event loop (knowledge
 * `loop_callbacks`, the callback's position `arg`; entries without one, listeners and
 * routes, are not asked): `loop.call_soon(time.sleep, 1)`, `loop.call_later(5,
 * functools.partial(requests.get, url))` (knowledge `partials`), `setTimeout(fs.readFileSync,
 * 0, p)`. Its blocking entry (*name: the function as written), or NULL. Wherever the call is
 * made, the function runs on the loop. */
static const al_kb_entry *handed_blocking(const ir_file *f, const ir_node *call, const char **name) {
  if (!call->name || !call->nargs || f->lang == AL_LANG_C) return NULL;
  const al_kb *kb = al_kb_for(f->lang);
  const al_kb_entry *reg = al_kb_match(kb, "loop_callbacks", call->name);
  uint32_t pos = 0;
  const ir_arg *a = reg && !al_kb_attr(reg, "done") ? al_callback_arg(call, reg, &pos) : NULL;
  if (!a || !a->text) return NULL;
  const char *text = a->text;
  const ir_node *inner = al_arg_call(f, call, pos); /* `functools.partial(time.sleep, 1)` */
  if (inner) {
    if (!inner->name || !inner->nargs || !inner->args[0].text || !al_kb_find(kb, "partials", inner->name))
      return NULL;
    text = inner->args[0].text;
  }
  if (!al_is_identifier(text) && !strchr(text, '.')) return NULL;
  const al_kb_entry *e = al_kb_find(kb, "blocking", al_imported_name(f, text));
  if (!e || al_kb_attr(e, "iterated") || al_kb_attr(e, "with") || !al_kb_attr(e, "category")) return NULL;
  *name = text;
  return e;
}

static _Thread_local struct {
  uint64_t file, index;
  const site *sites;
  size_t n;
} memo;

/* A sync `for` over a stream whose iteration blocks (knowledge `blocking`, `iterated`:
 * `for line in sys.stdin` waits for each line): its entry, or NULL. */
static const al_kb_entry *blocking_iterated(const ir_file *f, const ir_node *loop) {
  if ((loop->flags & (IR_F_ASYNC | IR_F_WHILE)) || !loop->name) return NULL;
  const al_kb_entry *e = al_kb_find(al_kb_for(f->lang), "blocking", al_imported_name(f, loop->name));
  return e && al_kb_attr_is(e, "iterated", "true") ? e : NULL;
}

static void find_sites(const ir_file *f, const al_index *idx) {
  if (memo.file == f->serial && memo.index == idx->serial) return;
  site *found = NULL;
  size_t n = 0, cap = 0;
  /* calls first, each kind in source order: the outer call of a chain still comes first */
  ir_kinds_iter it = ir_kinds(f, IR_KINDS(IR_CALL, IR_WITH, IR_LOOP));
  for (const ir_node *x; (x = ir_kinds_next(&it));) {
    site s = {x, NULL, NULL};
    if (x->kind == IR_CALL) {
      s.e = al_blocking_api(f, idx, x);
      if (!s.e) s.e = handed_blocking(f, x, &s.item);
    } else if (x->kind == IR_WITH && (s.e = al_blocking_with(f, x, &s.item)))
      s.item = al_arena_strdup((al_arena *)&f->arena, s.item); /* (al_list_find's buffer is reused) */
    else if (x->kind == IR_LOOP && (s.e = blocking_iterated(f, x)))
      s.item = x->name;
    else if (x->kind != IR_LOOP || !al_loop_is_busy_wait(f, x)) continue;
    if (x->kind != IR_LOOP && !s.e) continue;
    /* `urlopen(u).read()`, `Popen(a).wait()`: one finding for the expression, at the call
     * that starts it (the outer call came first in the walk and starts at the same byte) */
    size_t k = n;
    while (k > 0 && n - k < 4 && found[k - 1].n->span.start != x->span.start) k--;
    if (x->kind == IR_CALL && k > 0 && found[k - 1].n->kind == IR_CALL && found[k - 1].n->span.start == x->span.start &&
        found[k - 1].n->span.end > x->span.end) {
      found[k - 1] = s;
      continue;
    }
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      found = al_realloc(found, cap * sizeof *found);
    }
    found[n++] = s;
  }
  /* the file's arena owns the list: freed with the IR, never read stale (serials) */
  site *all = al_arena_alloc((al_arena *)&f->arena, (n ? n : 1) * sizeof *all);
  if (n) memcpy(all, found, n * sizeof *all);
  free(found);
  memo.file = f->serial;
  memo.index = idx->serial;
  memo.sites = all;
  memo.n = n;
}

/* A loop callback reading the future it was handed (knowledge `loop_callbacks`, `done`:
 * `fut.result()` / `fut.exception()` in a done callback): that future is done, so
 * nothing waits. */
static bool reads_done_future(const ir_file *f, const ir_node *n, const ir_node *fn) {
  if (n->kind != IR_CALL || !fn || !fn->text || !n->text || !(fn->flags & IR_F_LOOP_CALLBACK)) return false;
  const al_kb_entry *reg = al_kb_match(al_kb_for(f->lang), "loop_callbacks", fn->text);
  const char *done = reg ? al_kb_attr(reg, "done") : NULL;
  const char *dot = strrchr(n->text, '.');
  if (!done || !dot || !al_text_mentions(done, dot + 1)) return false;
  uint32_t first = (fn->flags & IR_F_METHOD) ? 1 : 0; /* past self */
  size_t hl = (size_t)(dot - n->text);
  return fn->nargs > first && fn->args[first].text && !strncmp(fn->args[first].text, n->text, hl) &&
         !al_ident_char(fn->args[first].text[hl]);
}

/* A read in a readiness callback (`loop.add_reader(sys.stdin, cb)`: knowledge
 * `loop_callbacks` with `ready`) of an entry marked `after_ready` (`sys.stdin.readline()`,
 * `os.read(0, n)`): the loop saw the input ready, so the read returns what is there. */
static bool reads_ready_input(const ir_file *f, const al_kb_entry *e, const ir_node *fn) {
  if (!fn || !al_kb_attr_is(e, "after_ready", "true")) return false;
  /* a named callback knows its registration; a lambda is the registering call's argument */
  const char *via = (fn->flags & IR_F_LOOP_CALLBACK) && fn->text                   ? fn->text
                    : fn->parent && fn->parent->kind == IR_CALL && fn->parent->name ? fn->parent->name
                                                                                   : NULL;
  const al_kb_entry *reg = via ? al_kb_match(al_kb_for(f->lang), "loop_callbacks", via) : NULL;
  return reg && al_kb_attr_is(reg, "ready", "true");
}

/* C: the timer of the loop fn runs under (FUNC member: the API that registered it or
 * the callback it is reached from), when its registration names one (knowledge
 * `registrations`, attribute `timer`: GLib, Redis ae, libev), or NULL. */
static const char *c_loop_timer(const ir_file *f, const ir_node *fn) {
  if (f->lang != AL_LANG_C || !fn || !fn->member) return NULL;
  const al_kb_entry *reg = al_kb_find(al_kb_for(f->lang), "registrations", fn->member);
  return reg ? al_kb_attr(reg, "timer") : NULL;
}

static void check_category(const ir_file *f, const al_index *idx, al_sink *sink, const char *category) {
  find_sites(f, idx);
  for (size_t i = 0; i < memo.n; i++) {
    const site *s = &memo.sites[i];
    const ir_node *n = s->n, *fn = NULL;
    if (n->kind == IR_LOOP && s->e) { /* a `for` over a stream */
      if (al_kb_attr_is(s->e, "category", category) && al_on_loop(f, n, &fn)) {
        char advice_buf[320];
        const char *use = al_c_loop_advice(f, fn, category, s->e, advice_buf, sizeof advice_buf);
        al_report(sink, n, "`for` over `%s` blocks the event loop (%s) in %s: each step waits for the next line%s%s",
                  s->item, al_category_label(category), al_context_label(f, fn), use ? "; use " : "", use ? use : "");
      }
      continue;
    }
    if (n->kind == IR_LOOP) {
      if (!strcmp(category, "sleep") && al_on_loop(f, n, &fn)) {
        const char *timer = c_loop_timer(f, fn);
        al_report(sink, n, "busy-wait loop on the clock (`%s`) blocks the event loop in %s; %s%s%s",
                  n->name ? n->name : "?", al_context_label(f, fn),
                  f->lang != AL_LANG_C ? "await a timer instead" : "start a loop timer (",
                  f->lang != AL_LANG_C ? "" : timer ? timer : "uv_timer_start / evtimer_add",
                  f->lang != AL_LANG_C ? "" : ") and continue in its callback");
      }
      continue;
    }
    if (n->kind == IR_CALL && s->item) { /* a blocking function handed to the loop */
      if (strcmp(al_kb_attr(s->e, "category"), category)) continue;
      const char *use = al_c_loop_advice(f, NULL, category, s->e, NULL, 0);
      al_report(sink, n, "`%s` is handed to `%s()`, which calls it on the event loop: it blocks the loop (%s) "
                "while it runs%s%s", s->item, al_call_label(f, n), al_category_label(category),
                use ? "; use " : "", use ? use : "");
      continue;
    }
    if (strcmp(al_kb_attr(s->e, "category"), category) || !al_on_loop(f, n, &fn) || reads_done_future(f, n, fn) ||
        reads_ready_input(f, s->e, fn))
      continue;
    char advice_buf[320];
    const char *use = al_c_loop_advice(f, fn, category, s->e, advice_buf, sizeof advice_buf);
    char timer_use[160];
    const char *timer = c_loop_timer(f, fn);
    if (timer && !strcmp(category, "sleep")) { /* GLib, ae, libev: that loop's own timer */
      snprintf(timer_use, sizeof timer_use, "a loop timer (%s) and continue in its callback", timer);
      use = timer_use;
    }
    if (n->kind == IR_CALL && f->lang == AL_LANG_PYTHON && !strcmp(category, "nested_loop")) {
      al_report(sink, n, "`%s()` runs an event loop inside the running one in %s%s%s", al_call_label(f, n),
                al_context_label(f, fn), use ? "; use " : "", use ? use : "");
    } else if (n->kind == IR_CALL && al_offloop_arg_of(f, n)) {
      const ir_node *off = al_offloop_arg_of(f, n);
      al_report_fix(sink, n, al_pass_function_fix(f, n, AL_FIX_APPLY_UNSAFE), "`%s()` blocks the event loop (%s) in %s: it is called "
                    "here, and only its result is handed to `%s()`; pass the function and its arguments "
                    "(`%s(%s, ...)`)", al_call_label(f, n), al_category_label(category), al_context_label(f, fn),
                    al_call_label(f, off), al_call_label(f, off), al_call_label(f, n));
    } else if (n->kind == IR_CALL && (n->flags & IR_F_READ_LOCAL)) {
      al_report(sink, n, "`%s` holds a lazy `%s()` queryset, and %s runs its query: it blocks the event loop (%s) "
                "in %s%s%s", n->text, n->member ? n->member : n->name,
                n->parent && n->parent->kind == IR_LOOP ? "iterating it" : "reading it here", al_category_label(category),
                al_context_label(f, fn), use ? "; use " : "", use ? use : "");
    } else if (n->kind == IR_CALL) {
      al_fix *fx = !strcmp(category, "sleep")  ? sleep_fix(f, n)
                   : !strcmp(category, "file") ? fs_promise_fix(f, n, s->e, fn)
                                               : NULL;
      al_report_fix(sink, n, fx, "`%s()` blocks the event loop (%s) in %s%s%s", al_call_label(f, n),
                    al_category_label(category), al_context_label(f, fn), use ? "; use " : "", use ? use : "");
    } else if (al_kb_attr_is(s->e, "with", "submitted")) {
      al_report(sink, n, "leaving `with %s` blocks the event loop (%s) in %s: its exit waits for the work "
                "submitted in the block, which nothing there awaits%s%s", s->item, al_category_label(category),
                al_context_label(f, fn), use ? "; use " : "", use ? use : "");
    } else {
      al_report(sink, n, "`with` on a `%s` blocks the event loop (%s) in %s%s%s", s->item,
                al_category_label(category), al_context_label(f, fn), use ? "; use " : "", use ? use : "");
    }
  }
}

#define PY_JS_C AL_LANGS_ALL
#define CATEGORY_RULE(sym, code_, name_, cat, sev, summary_, fixkind) CATEGORY_RULE_L(sym, code_, name_, cat, sev, summary_, fixkind, PY_JS_C)
#define CATEGORY_RULE_L(sym, code_, name_, cat, sev, summary_, fixkind, langs_)                          \
  static void check_##sym(const ir_file *f, const al_index *idx, al_sink *sink) {             \
    check_category(f, idx, sink, cat);                                                        \
  }                                                                                           \
  const al_rule sym = {.code = code_, .name = name_, .family = AL_FAMILY_BLOCKING,            \
                       .langs = langs_, .severity = sev, .summary = summary_,    \
                       .fix = fixkind, .check = check_##sym};

CATEGORY_RULE(rule_al201, "AL201", "blocking-sleep", "sleep", AL_SEV_ERROR,
              "a blocking sleep (time.sleep) inside async code stalls every task", AL_FIX_UNSAFE)
CATEGORY_RULE(rule_al202, "AL202", "blocking-network", "network", AL_SEV_ERROR,
              "blocking HTTP/socket I/O inside async code", AL_FIX_UNSAFE)
CATEGORY_RULE(rule_al203, "AL203", "blocking-file-io", "file", AL_SEV_WARNING,
              "blocking file-system I/O inside async code", AL_FIX_UNSAFE)
CATEGORY_RULE(rule_al204, "AL204", "blocking-subprocess", "subprocess", AL_SEV_ERROR,
              "a blocking subprocess call or wait inside async code", AL_FIX_UNSAFE)
CATEGORY_RULE(rule_al205, "AL205", "blocking-wait", "wait", AL_SEV_ERROR,
              "a thread lock, queue, event or future wait inside async code", AL_FIX_UNSAFE)
CATEGORY_RULE(rule_al206, "AL206", "blocking-dns", "dns", AL_SEV_WARNING,
              "a blocking DNS lookup inside async code", AL_FIX_UNSAFE)
CATEGORY_RULE(rule_al207, "AL207", "blocking-input", "input", AL_SEV_ERROR,
              "blocking terminal input (input(), stdin reads) inside async code", AL_FIX_UNSAFE)
CATEGORY_RULE_L(rule_al208, "AL208", "blocking-cpu", "cpu", AL_SEV_WARNING,
                "CPU-bound synchronous work (zlib/crypto *Sync, password hashing) in async code or loop callbacks",
                AL_FIX_NONE, (1u << AL_LANG_JS) | (1u << AL_LANG_PYTHON))
CATEGORY_RULE_L(rule_al209, "AL209", "blocking-sync-mode", "sync_mode", AL_SEV_ERROR,
                "an async API used in its synchronous mode (NULL callback / NULL dns base) in loop context",
                AL_FIX_NONE, 1u << AL_LANG_C)
CATEGORY_RULE_L(rule_al211, "AL211", "nested-event-loop", "nested_loop", AL_SEV_ERROR,
                "an event loop run (or a blocking poll/select) from inside a loop callback or async function",
                AL_FIX_NONE, (1u << AL_LANG_C) | (1u << AL_LANG_PYTHON))
CATEGORY_RULE_L(rule_al212, "AL212", "blocking-entropy", "entropy", AL_SEV_WARNING,
                "waiting for entropy (getrandom, synchronous uv_random) in loop context", AL_FIX_NONE,
                1u << AL_LANG_C)
