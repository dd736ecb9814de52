/* AL104 misused-async-callback: an async function passed where the callee ignores what
 * the callback returns (knowledge `void_callbacks`): `arr.forEach(async ...)`, event
 * emitters' `on('x', async ...)`, timers. The promise floats: nothing waits for the work
 * and a rejection is unhandled. Emitter/timer callbacks whose whole body is guarded by
 * try/catch are not reported (their errors are handled); forEach always is (the caller
 * still does not wait). And an async predicate or comparator (knowledge
 * `predicate_callbacks`: filter, some, every, find, sort): its promise is always truthy. Fix (unsafe, in async code): `arr.forEach(async ...)` ->
 * `await Promise.all(arr.map(async ...))`. */
#include <string.h>

#include "common.h"


/* The async function passed: an inline async lambda, or a name resolving to one (its
 * index record's copy). *handles: it catches its own errors. */
static const ir_node *async_arg(const ir_file *f, const al_index *idx, const ir_node *call, bool *handles) {
  for (const ir_node *c = call->child; c; c = c->next)
    if (c->kind == IR_FUNC && (c->flags & IR_F_ASYNC)) {
      *handles = al_func_handles_errors(c);
      return c;
    }
  /* JS: an arrow whose expression body is a promise (`(x) => save(x)`) returns it just
   * as an async function would; one ending in a rejection handler handles its errors */
  for (const ir_node *c = call->child; c && f->lang == AL_LANG_JS; c = c->next) {
    if (c->kind != IR_FUNC || !(c->flags & IR_F_LAMBDA)) continue;
    for (const ir_node *x = c->child; x; x = x->next) {
      const al_func_info *fn;
      const al_kb_entry *api;
      const ir_node *r = x->kind == IR_RETURN ? x->child : x; /* `(x) => { return save(x); }` */
      if (!r || r->kind != IR_CALL || r->use != IR_USE_RETURNED || !r->name) continue;
      if (!al_index_call_awaitable(idx, f, r, &fn, &api)) continue;
      if ((al_ends_with(r->name, ".catch") && r->nargs && !(r->args[0].flags & IR_ARG_NULL)) ||
          (al_ends_with(r->name, ".then") && r->nargs >= 2 && !(r->args[1].flags & IR_ARG_NULL)))
        continue;
      *handles = false;
      return c;
    }
  }
  for (uint32_t i = 0; i < call->nargs; i++) {
    const ir_arg *a = &call->args[i];
    if (!a->text || (a->flags & (IR_ARG_LAMBDA | IR_ARG_LITERAL | IR_ARG_NULL))) continue;
    const al_func_info *fn = al_arg_async_fn(f, idx, call, a->text);
    if (fn) {
      *handles = (fn->flags & AL_FN_HANDLES_ERRORS) != 0;
      return fn->func;
    }
  }
  return NULL;
}

/* "async" for an async function, the other word for a plain one returning a promise */
static const char *kind_of(const ir_node *cb, const char *async, const char *other) {
  return (cb->flags & IR_F_ASYNC) ? async : other;
}

static al_fix *foreach_fix(const ir_file *f, const ir_node *call) {
  const ir_node *encl = ir_enclosing_func(call);
  if (call->use != IR_USE_DISCARDED || !encl || !(encl->flags & IR_F_ASYNC)) return NULL;
  uint32_t end = al_callee_end(f, call);
  if (end < call->span.start + 7 || strncmp(f->src->text + end - 7, "forEach", 7)) return NULL;
  al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "wait for every callback with Promise.all(map(...))");
  al_fix_add(fx, call->span.start, call->span.start, "await Promise.all(");
  al_fix_add(fx, end - 7, end, "map");
  al_fix_add(fx, call->span.end, call->span.end, ")");
  return fx;
}

/* Python: `loop.call_soon(lambda: tick())`, `sorted(xs, key=lambda x: score(x))` — a
 * lambda whose body calls an async function returns the coroutine, and the API drops,
 * tests or compares it: never awaited, the body never runs. (`lambda:
 * asyncio.create_task(tick())` schedules it: fine.) */
static void python_lambda(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n, const ir_arg *a,
                          const al_kb_entry *e, const al_kb_entry *pred) {
  int k = 0; /* which lambda among the arguments */
  for (const ir_arg *b = n->args; b < a; b++) k += (b->flags & IR_ARG_LAMBDA) != 0;
  const ir_node *lam = n->child;
  for (; lam; lam = lam->next)
    if (lam->kind == IR_FUNC && (lam->flags & IR_F_LAMBDA) && k-- == 0) break;
  if (!lam) return;
  const ir_node *body = lam->child;
  while (body && body->kind == IR_USE) body = body->next;
  if (!body || body->kind != IR_CALL || body->use != IR_USE_RETURNED || !body->name || al_is_spawn(f, body)) return;
  const al_func_info *fn;
  const al_kb_entry *api;
  if (!al_index_call_awaitable(idx, f, body, &fn, &api)) return;
  if (pred)
    al_report(sink, n, "the lambda passed to `%s()` returns the coroutine of `%s()`, and `%s()` tests or compares "
              "it: never awaited (the body never runs) and always true; await the results first (`await "
              "asyncio.gather(...)`), then filter or sort on them",
              al_call_label(f, n), al_call_label(f, body), al_call_label(f, n));
  else if (al_kb_attr(e, "thread"))
    al_report(sink, n, "the lambda passed to `%s()` returns the coroutine of `%s()` in a worker thread, where "
              "nothing awaits it: the body never runs; await it on the loop (asyncio.run() inside the thread if "
              "it must run there)", al_call_label(f, n), al_call_label(f, body));
  else
    al_report(sink, n, "the lambda passed to `%s()` returns the coroutine of `%s()`, and `%s()` drops it: never "
              "awaited, the body never runs; schedule it in the lambda (`lambda: asyncio.create_task(%s())`, "
              "keeping the task)", al_call_label(f, n), al_call_label(f, body), al_call_label(f, n),
              al_call_label(f, body));
}

/* Python: an async function handed to a call that calls it and drops, tests or compares
 * what it returns (knowledge `void_callbacks`, `predicate_callbacks`): the coroutine is
 * never awaited (a RuntimeWarning at best) and the body never runs. */
static void check_python(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n, const al_kb *kb) {
  const al_kb_entry *e = al_kb_match(kb, "void_callbacks", n->name);
  const al_kb_entry *pred = e ? NULL : al_kb_match(kb, "predicate_callbacks", n->name);
  if (!e && !pred) return;
  /* the one argument that is the callback: a position or a keyword (knowledge `arg`) */
  uint32_t at;
  const ir_arg *a = al_callback_arg(n, e ? e : pred, &at);
  if (a && (a->flags & IR_ARG_LAMBDA)) {
    python_lambda(f, idx, sink, n, a, e, pred);
    return;
  }
  if (!a || !a->text || (a->flags & (IR_ARG_LAMBDA | IR_ARG_LITERAL | IR_ARG_NULL))) return;
  const al_func_info *info = al_arg_async_fn(f, idx, n, a->text);
  if (!info) return;
  const ir_node *fn = info->func;
  const char *name = fn->name ? fn->name : "?";
  if (pred)
    al_report(sink, n, "async function `%s` passed to `%s()`, which tests or compares what it returns: a coroutine, "
              "never awaited (the body never runs) and always true; await the results first (`await "
              "asyncio.gather(...)`), then filter or sort on them",
              name, al_call_label(f, n));
  else if (al_kb_attr(e, "thread"))
    al_report(sink, n, "async function `%s` passed to `%s()`, which calls it in a worker thread: that only builds a "
              "coroutine, which nothing awaits, so the body never runs; await it on the loop, or pass a sync "
              "function (asyncio.run() inside the thread if it must run there)",
              name, al_call_label(f, n));
  else
    al_report(sink, n, "async function `%s` passed to `%s()`, which calls it and drops the result: the coroutine "
              "is never awaited, so the body never runs; pass a sync function that schedules it "
              "(asyncio.create_task / run_coroutine_threadsafe)",
              name, al_call_label(f, n));
}

/* JS: a callback given as the promise of a call of an async function, not as a
 * function: a timer's first argument (knowledge `not_thenable`: `setTimeout(refresh(),
 * 1000)`), an emitter's listener, its second (`emitter.on('close', shutdown())`). The
 * work starts at once, not when the timer fires or the event comes, and the callee gets
 * no function (timers and Node's emitters throw TypeError, addEventListener ignores
 * it). Fix (unsafe: the work now waits for the timer or event): `() => refresh()`. */
static bool callback_given_promise(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n,
                                   bool listener) {
  const ir_node *c = al_arg_call(f, n, listener ? 1 : 0);
  const al_func_info *fn;
  const al_kb_entry *api;
  if (!c || c->use != IR_USE_PASSED || !al_index_call_awaitable(idx, f, c, &fn, &api)) return false;
  al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "pass a function that makes the call");
  al_fix_add(fx, c->span.start, c->span.start, "() => ");
  if (listener)
    al_report_fix(sink, n, fx, "`%s()` is given the promise of `%s()` as its listener, not a function: the work "
                  "runs once, now, and never on the event (Node's emitters throw TypeError, addEventListener "
                  "ignores it); pass `() => %s()`", al_call_label(f, n), al_call_label(f, c), al_call_label(f, c));
  else
    al_report_fix(sink, n, fx, "`%s()` is given the promise of `%s()`, not a function: the work starts now, not "
                  "when the timer fires, and the timer throws TypeError (its callback must be a function); pass "
                  "`() => %s()`", n->name, al_call_label(f, c), al_call_label(f, c));
  return true;
}

/* `<Editor onSave={async () => ...} />`: the name of the JSX attribute an inline
 * function is the value of (`onSave`), read back from the source; NULL otherwise. */
static const char *jsx_attribute_name(const ir_file *f, const ir_node *fn, char *buf, size_t cap) {
  if (!(fn->flags & IR_F_LAMBDA) || !fn->span.start) return NULL;
  const char *t = f->src->text;
  uint32_t i = fn->span.start;
  while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\n' || t[i - 1] == '\t' || t[i - 1] == '\r')) i--;
  if (i < 2 || t[i - 1] != '{' || t[i - 2] != '=') return NULL;
  uint32_t e = i - 2, b = e;
  while (b > 0 && (al_ident_char(t[b - 1]) || t[b - 1] == '-')) b--;
  if (b == e || e - b >= cap || b == 0 || !(t[b - 1] == ' ' || t[b - 1] == '\n' || t[b - 1] == '\t')) return NULL;
  memcpy(buf, t + b, e - b);
  buf[e - b] = 0;
  return buf;
}

/* The position among call's arguments of the callback cb (an inline function, the
 * k-th lambda argument; or a named function, the argument naming it); -1 if unknown. */
static int arg_position(const ir_node *call, const ir_node *cb) {
  if (cb->parent == call) {
    int k = 0;
    for (const ir_node *c = call->child; c && c != cb; c = c->next) k += c->kind == IR_FUNC && (c->flags & IR_F_LAMBDA);
    for (uint32_t i = 0; i < call->nargs; i++)
      if ((call->args[i].flags & IR_ARG_LAMBDA) && k-- == 0) return (int)i;
    return -1;
  }
  const char *nm = cb->name ? strrchr(cb->name, '.') : NULL;
  nm = nm ? nm + 1 : cb->name;
  for (uint32_t i = 0; nm && i < call->nargs; i++) {
    const char *t = call->args[i].text;
    const char *d = t ? strrchr(t, '.') : NULL;
    if (t && !strcmp(d ? d + 1 : t, nm)) return (int)i;
  }
  return -1;
}

/* TypeScript: an async callback given to a project function whose parameter is typed
 * as returning void (`function run(cb: () => void)`): it ignores the promise
 * (typescript-eslint no-misused-promises, checksVoidReturn arguments). */
static void void_param(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  if (f->lang != AL_LANG_JS) return;
  bool handles = false, typed = false;
  const al_func_info *callee = al_index_resolve(idx, f, n);
  for (uint32_t i = 0; callee && i < callee->func->nargs; i++) typed |= (callee->func->args[i].flags & IR_ARG_VOID_FN) != 0;
  const ir_node *cb = typed ? async_arg(f, idx, n, &handles) : NULL;
  if (!cb) return;
  int i = arg_position(n, cb);
  if (i < 0 || (uint32_t)i >= callee->func->nargs || !(callee->func->args[i].flags & IR_ARG_VOID_FN)) return;
  al_report(sink, n, "%s callback passed to `%s()`, whose parameter %d is typed as returning void: it ignores the "
            "promise, so nothing waits for the work and a rejection becomes an unhandled rejection; %s",
            kind_of(cb, "async", "promise-returning"), al_call_label(f, n), i + 1,
            handles ? "type the parameter as returning Promise<void> and await it"
                    : "type the parameter as returning Promise<void> and await it, or catch the errors inside the "
                      "callback");
}

/* TypeScript: the project's own declaration of the called function types the callback's
 * parameter as returning a promise (`on(name: "b", cb: () => Promise<void>): void`, one
 * overload of several): it takes an async callback, whatever the knowledge says of the
 * method's name. */
static bool takes_promise_fn(const ir_file *f, const al_index *idx, const ir_node *n, const ir_node *cb) {
  const al_func_info *callee = f->lang == AL_LANG_JS ? al_index_resolve(idx, f, n) : NULL;
  int i = callee ? arg_position(n, cb) : -1;
  return i >= 0 && (uint32_t)i < callee->func->nargs && (callee->func->args[i].flags & IR_ARG_PROMISE_FN);
}

/* `xs.reduce(async (acc, x) => ...)`: from the second step on, acc is the promise the
 * previous step returned; a reducer that never awaits it works on a promise (a property
 * set on it is lost; a sum becomes "[object Promise]1"), and the steps overlap. */
static void async_reducer(const ir_file *f, al_sink *sink, const ir_node *n) {
  const ir_node *cb = NULL;
  for (const ir_node *c = n->child; c && !cb; c = c->next)
    if (c->kind == IR_FUNC && (c->flags & IR_F_LAMBDA)) cb = c;
  if (!cb || !(cb->flags & IR_F_ASYNC) || !cb->nargs || !cb->args[0].text) return;
  const char *acc = cb->args[0].text, *t = f->src->text;
  size_t al = strlen(acc);
  if (!al || !al_ident_char(acc[0])) return; /* a pattern (`{ total }`) */
  for (const ir_node *a = cb->child; a; a = a->kind == IR_FUNC ? ir_next_skip(a, cb) : ir_next(a, cb)) {
    if (a->kind != IR_AWAIT) continue;
    uint32_t i = a->span.start + 5;
    while (i < a->span.end && (t[i] == ' ' || t[i] == '(')) i++;
    if (i + al <= a->span.end && !strncmp(t + i, acc, al) && !al_ident_char(t[i + al]))
      return; /* `await acc` */
  }
  al_report(sink, n, "async reducer passed to `%s()` never awaits its accumulator `%s`: from the second element on "
            "`%s` is the previous step's promise, so the step works on a promise (what it sets or adds is lost) "
            "and the steps overlap; start with `const done = await %s;`, or use a for...of loop",
            al_call_label(f, n), acc, acc, acc);
}

/* The names in f bound to an app or router of a framework that drops its handlers'
 * promises (knowledge `route_apps`): `const app = express()`, `const r = express.Router()`. */
static void route_app_names(const ir_file *f, const al_kb *kb, al_vec *out) {
  for (ir_node *const *a_at = ir_of_kind(f, IR_ASSIGN); *a_at; a_at++) {
    const ir_node *a = *a_at;
    const ir_node *c = a->kind == IR_ASSIGN && a->name ? a->child : NULL;
    if (!c || c->kind != IR_CALL || !c->module || strchr(a->name, '.')) continue;
    char key[256]; /* module[.member]: `express`, `express.Router` */
    bool fits = c->member && *c->member ? al_join(key, sizeof key, c->module, '.', c->member) != NULL
                                        : snprintf(key, sizeof key, "%s", c->module) < (int)sizeof key;
    if (!fits) continue;
    if (al_kb_find(kb, "route_apps", key)) al_vec_push(out, (void *)a->name);
  }
}

/* `app.get('/', async (req, res) => ...)` on an Express app: Express 4 drops the
 * promise. *apps: the app names, found on the first candidate (*scanned). */
static bool route_handler(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n, const al_kb *kb,
                          al_vec *apps, bool *scanned) {
  const char *dot = strchr(n->name, '.');
  if (!dot || strchr(dot + 1, '.') || n->module || !al_kb_find(kb, "route_methods", dot + 1)) return false;
  if (!*scanned) {
    route_app_names(f, kb, apps);
    *scanned = true;
  }
  bool app = false;
  for (size_t i = 0; i < apps->len && !app; i++) {
    const char *a = apps->items[i];
    app = strlen(a) == (size_t)(dot - n->name) && !strncmp(n->name, a, (size_t)(dot - n->name));
  }
  if (!app) return false;
  bool handles = false;
  const ir_node *cb = async_arg(f, idx, n, &handles);
  if (!cb) return false;
  if (!handles)
    al_report(sink, n, "%s handler given to `%s()`: Express 4 ignores the promise a handler returns, so a rejection "
              "is an unhandled rejection, the error middleware never sees it and the request never gets a response; "
              "catch the errors inside the handler and pass them to `next(err)` (Express 5 does this itself)",
              kind_of(cb, "async", "promise-returning"), al_call_label(f, n));
  return true;
}

/* Some argument of the call may be a function (or a call, for `setTimeout(f(), ms)`):
 * not all literals (`require('x')`, `log('done', 1)`), which most calls are. */
static bool may_take_callback(const ir_node *call) {
  for (const ir_node *c = call->child; c; c = c->next)
    if (c->kind == IR_FUNC) return true;
  for (uint32_t i = 0; i < call->nargs; i++)
    if (!(call->args[i].flags & (IR_ARG_LITERAL | IR_ARG_NULL))) return true;
  return false;
}

/* Jest's and Vitest's `expect(fn).toThrow()` calls fn and looks for a synchronous throw: an
 * async fn returns a rejected promise instead, so `.not.toThrow()` passes whatever happens
 * (and the rejection is unhandled) and `.toThrow()` fails (checked with Jest 30). */
static bool expect_throw(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n) {
  const ir_node *m = n->parent;
  const al_kb_entry *e = m && m->kind == IR_CALL && m->child == n && n->nargs && al_ends_with(n->name, "expect")
                            ? al_kb_find(al_kb_for(f->lang), "expect_makers", n->name) /* (every name ends so) */
                            : NULL;
  const char *throws = e ? al_kb_attr(e, "throw_matchers") : NULL;
  if (!throws) return false;
  const char *t = f->src->text, *end = t + m->span.end, *p = t + n->span.end;
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++;
  bool negated = p + 5 <= end && !strncmp(p, ".not.", 5);
  if (negated) p += 4;
  if (p >= end || *p != '.') return false;
  char matcher[64]; /* the matcher's name after the dot */
  size_t ml = 0;
  while (p + 1 + ml < end && ml + 1 < sizeof matcher && al_ident_char(p[1 + ml])) matcher[ml] = p[1 + ml], ml++;
  matcher[ml] = 0;
  if (!ml || !al_text_mentions(throws, matcher)) return false;
  bool handles;
  const ir_node *cb = async_arg(f, idx, n, &handles);
  if (!cb) return false;
  al_report(sink, cb->parent == n ? cb : n, /* (a function passed by name: at the expect() call) */
            "%s function passed to `expect()` with `.%s%.*s()`: the matcher calls it and looks for a "
            "synchronous throw, but it returns a promise — %s; assert on the promise: `await "
            "expect(fn()).%s`", kind_of(cb, "async", "promise-returning"), negated ? "not." : "",
            (int)ml, p + 1,
            negated ? "`.not.toThrow()` passes whatever happens, and a rejection is unhandled"
                    : "`.toThrow()` fails even when it rejects",
            negated ? "resolves.not.toThrow()" : "rejects.toThrow()");
  return true;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  const al_kb *kb = al_kb_for(f->lang);
  al_vec apps = {0};
  bool scanned = false;
  ir_kinds_iter it = ir_kinds(f, IR_KINDS(IR_FUNC, IR_CALL));
  for (const ir_node *n; (n = ir_kinds_next(&it));) {
    if (n->kind == IR_FUNC && (n->flags & IR_F_VOID_SLOT) && !al_func_handles_errors(n)) {
      char attr_buf[64];
      const char *attr;
      /* typescript-eslint checksVoidReturn (variables, returns, inherited methods) */
      if ((n->flags & IR_F_METHOD) && n->parent && n->parent->kind == IR_CLASS)
        al_report(sink, n, "async method `%s` overrides or implements a method declared to return void: callers "
                  "through the base type ignore its promise, so nothing waits for the work and a rejection "
                  "becomes an unhandled rejection; declare the base method as returning Promise<void>, or "
                  "catch the errors inside", n->name);
      else if (n->name && al_starts_with(n->name, "<object>.") && n->parent && n->parent->kind == IR_CALL)
        al_report(sink, n, "async function given as `%s` in the object passed to `%s()`, whose parameter type "
                  "declares `%s` as returning void: whoever calls it ignores its promise, so nothing waits for "
                  "the work and a rejection becomes an unhandled rejection; declare it as returning "
                  "Promise<void>, or catch the errors inside", n->name + 9, al_call_label(f, n->parent), n->name + 9);
      else if ((attr = jsx_attribute_name(f, n, attr_buf, sizeof attr_buf)))
        al_report(sink, n, "async function given as the `%s` prop, which the component's props type declares as "
                  "returning void: the component calls it and ignores its promise, so nothing waits for the work "
                  "and a rejection becomes an unhandled rejection; declare the prop as returning Promise<void>, "
                  "or catch the errors inside", attr);
      else {
        /* a lambda bound in a function is named after it (`W.set.onDone`): the name as written */
        const ir_node *encl = ir_enclosing_func(n);
        const char *shown = n->name && strcmp(n->name, "<anonymous>") ? n->name : "its declared type";
        size_t el = encl && encl->name ? strlen(encl->name) : 0;
        if (el && !strncmp(shown, encl->name, el) && shown[el] == '.' && shown[el + 1]) shown += el + 1;
        al_report(sink, n, "async function stored where a function returning void is expected (%s): whoever calls "
                "it ignores its promise, so nothing waits for the work and a rejection becomes an unhandled "
                "rejection; type it as returning Promise<void>, or catch the errors inside", shown);
      }
      continue;
    }
    if (n->kind != IR_CALL || !n->name) continue;
    if (f->lang == AL_LANG_JS && expect_throw(f, idx, sink, n)) continue;
    if (n->use == IR_USE_DISCARDED && al_kb_match(kb, "promise_array_makers", n->name) &&
        !(n->module && al_kb_match(kb, "awaitable", n->name))) { /* (not Bluebird's Promise.map: a promise) */
      bool handles;
      const ir_node *cb = async_arg(f, idx, n, &handles);
      if (cb) /* [..].map(async ...) as a statement: an array of promises nobody waits for */
        al_report(sink, n, "`%s()` with %s callback makes an array of promises, and it is dropped: nothing "
                  "waits for them and rejections are unhandled; await Promise.all(...) of it",
                  al_call_label(f, n), kind_of(cb, "an async", "a promise-returning"));
      continue;
    }
    if (!n->nargs || !may_take_callback(n)) continue; /* no callback passed */
    if (f->lang == AL_LANG_JS && (al_ends_with(n->name, ".reduce") || al_ends_with(n->name, ".reduceRight"))) {
      async_reducer(f, sink, n);
      continue;
    }
    if (f->lang == AL_LANG_PYTHON) {
      check_python(f, idx, sink, n, kb);
      continue;
    }
    /* (the knowledge lookup only when the first argument is a call) */
    if (n->args[0].text && al_ends_with(n->args[0].text, ")") && al_kb_find(kb, "not_thenable", n->name) &&
        callback_given_promise(f, idx, sink, n, false))
      continue;
    const al_kb_entry *pred = al_kb_match(kb, "predicate_callbacks", n->name);
    if (pred) {
      bool handles;
      const ir_node *cb = async_arg(f, idx, n, &handles);
      if (!cb) continue;
      /* an array method takes its predicate first; `s.every(ms, job)` of a project class is another method */
      if (arg_position(n, cb) != 0 || al_index_resolve(idx, f, n)) {
        void_param(f, idx, sink, n);
        continue;
      }
      const char *method = strrchr(n->name, '.') + 1;
      if (al_kb_attr(pred, "compares"))
        al_report(sink, n, "%s comparator passed to `%s()`: it returns a promise, not a number, so the order "
                  "is arbitrary; compute the keys first (`await Promise.all(...)`), then sort on them",
                  kind_of(cb, "async", "promise-returning"), al_call_label(f, n));
      else
        al_report(sink, n, "%s callback passed to `%s()`, which tests its result for truth: a promise is always "
                  "truthy, so %s; await the checks first (`const ok = await Promise.all(arr.map(check))`) and "
                  "%s on the results",
                  kind_of(cb, "async", "promise-returning"), al_call_label(f, n),
                  !strcmp(method, "filter")  ? "every element is kept"
                  : !strcmp(method, "some")  ? "it is true for any non-empty array"
                  : !strcmp(method, "every") ? "it is always true"
                                             : "the first element always matches",
                  method);
      continue;
    }
    if (route_handler(f, idx, sink, n, kb, &apps, &scanned)) continue;
    const al_kb_entry *e = al_kb_match(kb, "void_callbacks", n->name);
    if (!e) {
      void_param(f, idx, sink, n);
      continue;
    }
    if (al_kb_attr(e, "emitter") && callback_given_promise(f, idx, sink, n, true)) continue;
    bool handles = false;
    const ir_node *cb = async_arg(f, idx, n, &handles);
    if (!cb || takes_promise_fn(f, idx, n, cb)) continue;
    /* a timer's `() => refresh()` is AL104's own fix for `setTimeout(refresh(), ms)` */
    if (!(cb->flags & IR_F_ASYNC) && al_kb_find(kb, "not_thenable", n->name)) continue;
    const char *kind = kind_of(cb, "async", "promise-returning");
    if ((cb->flags & IR_F_ASYNC) && al_is_sync_callback_call(f, n) && al_has_await(cb)) {
      al_report(sink, n, "async listener passed to `%s(%s, ...)`: Node runs it as the process ends, after the event "
                "loop has stopped, so I/O and timers it awaits never complete and the code after such an await never "
                "runs (a try/catch does not help); do that work synchronously there (fs.writeFileSync ...), or in a "
                "'beforeExit' listener or before calling process.exit()", al_call_label(f, n), n->args[0].text);
      continue;
    }
    if (al_kb_attr(e, "suite")) { /* Mocha's and Jest's describe(): the suite is collected synchronously */
      if (!(cb->flags & IR_F_ASYNC) || al_index_resolve(idx, f, n)) continue; /* (a project's own describe()) */
      al_report(sink, n, "async callback passed to `%s()`: Mocha and Jest collect a suite's tests synchronously — "
                "Mocha ignores the promise, so tests defined after an await are never registered and the run "
                "passes without them, and Jest fails the file (\"Returning a Promise from describe is not "
                "supported\"); keep the callback synchronous and load data in a before()/beforeAll() hook (Vitest "
                "and node:test await an async describe: import it from there)", al_call_label(f, n));
      continue;
    }
    bool is_foreach = al_ends_with(n->name, ".forEach");
    const char *effect = al_kb_attr(e, "effect");
    if (!is_foreach && !effect && handles) continue;
    const char *emitter = al_kb_attr(e, "emitter");
    if (al_kb_attr(e, "jsx"))
      al_report(sink, n, "%s handler given to `<%s %s>`: React ignores what a DOM event handler returns, so nothing "
                "waits for the work and a rejection becomes an unhandled rejection; catch the errors inside the handler "
                "(try/catch), or call the async work with `void` and a .catch()",
                kind, n->text ? n->text : "element", strchr(n->name, '.') + 1);
    else if (effect)
      al_report(sink, n, "%s callback passed to `%s()`: an effect returns its cleanup function, and an async one "
                "returns a promise instead (React warns; a rejection is unhandled); define the async function inside "
                "the effect and call it",
                kind, al_call_label(f, n));
    else if (is_foreach)
      al_report_fix(sink, n, foreach_fix(f, n),
                    "%s callback passed to `%s()`: forEach ignores the promises, so nothing waits for the work "
                    "and rejections are unhandled; use `for...of` with await, or await Promise.all(arr.map(...))",
                    kind, al_call_label(f, n));
    else
      al_report(sink, n, "%s callback passed to `%s()`, which ignores its promise: a rejection %s; wrap the body "
                "in try/catch (or use a helper that handles rejections)",
                kind, al_call_label(f, n),
                emitter ? "in the listener becomes an unhandled rejection (the emitter's 'error' path never sees it)"
                        : "becomes an unhandled rejection");
  }
  al_vec_free(&apps);
}

const al_rule rule_al104 = {
    .code = "AL104",
    .name = "misused-async-callback",
    .family = AL_FAMILY_MISSING_AWAIT,
    .langs = (1u << AL_LANG_JS) | (1u << AL_LANG_PYTHON),
    .severity = AL_SEV_ERROR,
    .summary = "an async callback passed where its promise is ignored (forEach, event listeners, timers)",
    .fix = AL_FIX_UNSAFE,
    .check = check,
};
