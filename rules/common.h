/* common: what several rules ask of the IR and the knowledge data: where code runs
 * (on the loop or off it), which calls block/spawn/gather, whether a collection is
 * provably small, limiters, cancellation types, and Python fix helpers. */
#ifndef AL_RULES_COMMON_H
#define AL_RULES_COMMON_H

#include <string.h>

#include "rule.h"

/* Collections up to this many items count as small (range(N), literal lists). */
#define AL_SMALL_COLLECTION 100

/* Calls pred on each item of a list separated by any of seps (IR lists: WITH/HANDLER
 * names, WITH arguments); returns the first item pred accepts, in a per-thread buffer
 * valid until the next call, or NULL. */
typedef bool (*al_item_pred)(const ir_file *f, const char *item, void *ctx);
const char *al_list_find(const ir_file *f, const char *list, const char *seps, al_item_pred pred, void *ctx);

/* True when n runs on the event loop: the nearest enclosing function is async, or is a
 * callback handed inline to a loop registration (knowledge `loop_callbacks`: timers,
 * emitters, promise reactions, request handlers); lambdas are looked through, except
 * one handed to an off-loop API (asyncio.to_thread, run_in_executor, ...) or to one that
 * must run synchronously (knowledge `sync_callbacks`: process.on('exit', ...)); or a
 * function of the file named as a loop callback (IR_F_LOOP_CALLBACK, frontend.c). *fn
 * (optional) gets that function. */
bool al_on_loop(const ir_file *f, const ir_node *n, const ir_node **fn);
/* call registers a callback that must be synchronous (knowledge `sync_callbacks`): Node
 * runs process.on('exit') listeners as the process ends, after the loop has stopped, and
 * drops any asynchronous work they start; blocking calls there are the only way to
 * finish. `event` names the first argument (a string literal) the entry applies to. */
bool al_is_sync_callback_call(const ir_file *f, const ir_node *call);
/* al_on_loop without the named loop callbacks: code that cancellation can reach (a
 * task's coroutine, or what runs inline in it). A sync callback the loop calls is no
 * task: catching a future's CancelledError there is how it handles a cancelled future. */
bool al_in_async_code(const ir_file *f, const ir_node *n, const ir_node **fn);
/* How to name the context al_on_loop found, for messages ("async function `f`", "a
 * callback passed to `setTimeout()`"); per-thread buffer. */
const char *al_context_label(const ir_file *f, const ir_node *fn);
/* What follows a call's label in a message: "()", or nothing for a property read
 * (`self.config`, IR_F_PROPERTY), which calls its getter without parentheses. */
static inline const char *al_call_parens(const ir_node *n) { return (n->flags & IR_F_PROPERTY) ? "" : "()"; }

/* A function's name as a message shows it: a function of an unnamed object or declared
 * in an anonymous callback (`<object>.save`, `<anonymous@12>.load`) by its own name. */
static inline const char *al_display_name(const char *name) {
  const char *e = name && name[0] == '<' ? strstr(name, ">.") : NULL;
  return e && e[2] ? e + 2 : name;
}
/* The nearest enclosing function that is not a lambda (NULL at module level). */
const ir_node *al_real_func(const ir_node *n);

/* The `blocking` knowledge entry a call matches (NULL when it is a project function
 * or not blocking). */
const al_kb_entry *al_blocking_api(const ir_file *f, const al_index *idx, const ir_node *call);
/* True when the call sits in a context that expects it to raise (`with pytest.raises`,
 * assertRaises: knowledge `expects_raise`). */
bool al_expected_to_raise(const ir_file *f, const ir_node *call);
/* The handler ends the process (knowledge `process_exits`: `sys.exit(0)`, `process.exit(1)`):
 * it does not go on as if the cancellation had not happened. */
bool al_handler_exits_process(const al_kb *kb, const ir_node *h);
/* Human name of a blocking category ("file I/O"). */
const char *al_category_label(const char *category);

/* True when the iterable expression text is provably small where `at` is: a literal,
 * range(<= AL_SMALL_COLLECTION), a slice, a name bound only to literals, a chunk of a
 * chunking loop. */
bool al_iter_small(const ir_file *f, const ir_node *at, const char *iter);
/* What a loop's header iterates, for messages: the collection of a counting loop's
 * condition (`i < items.length`, `items.length > i` -> `items`), else the header as is. */
const char *al_loop_over(const char *header, char *buf, size_t size);
/* True when text names a limiter (knowledge `limiters`, or a name hint like `sem`). */
bool al_is_limiter(const ir_file *f, const char *name);
/* `with`/`async with` over a limiter (a Semaphore, CapacityLimiter, or a name like `sem`). */
bool al_with_has_limiter(const ir_file *f, const ir_node *w);
/* The project function an argument names (a callback: `fetch`, `lib.fetch`, `self.serve`),
 * resolved like a call of it at `call`, or NULL. */
const al_func_info *al_ref_fn(const ir_file *f, const al_index *idx, const ir_node *call, const char *text);
/* A project function that surely returns no awaitable: a plain def / function (not async,
 * not a generator, not decorated, not a method a subclass may override) whose returns give
 * nothing or a literal (the index's AL_FN_RETURNS_PLAIN, or JS's AL_FN_RETURNS_NOTHING). */
bool al_fn_surely_plain(const al_func_info *fn);
/* A project async generator function (`async def` with a yield / `async function*`), not
 * decorated: a decorator may make something else of it. */
bool al_fn_async_gen(const al_func_info *fn);
/* A project coroutine function (`async def` / `async function` without a yield), not
 * decorated: its call makes a coroutine / promise and nothing else. */
bool al_fn_coroutine(const al_func_info *fn);
/* text as the file's imports spell it out (`serve_tcp` after `from trio import serve_tcp`
 * -> trio.serve_tcp), or text itself. */
const char *al_imported_name(const ir_file *f, const char *text);
/* The project async function (not an async generator) an argument of `call` names, as
 * written in the call's scope (`on_done`, `self.handler`), or NULL. */
const al_func_info *al_arg_async_fn(const ir_file *f, const al_index *idx, const ir_node *call, const char *text);
/* Python: the async-only context manager (knowledge `async_context_managers`) a plain
 * `with` names — it raises TypeError (AL101) — or NULL. */
const char *al_sync_with_async_cm(const ir_file *f, const ir_node *n);
/* Python/JS: a plain `for` / `for...of` over a local holding a library object that is only
 * async-iterable (knowledge `async_iterables`) — it raises TypeError (AL101): the entry,
 * and its type in *type; else NULL. */
const al_kb_entry *al_loop_over_async_only(const ir_file *f, const ir_node *loop, const char **type);
/* The local var holds, at `at`, a library object that is only async-iterable (its last
 * assignment in the function, or `async with ... as var`): the entry, its type in *type. */
const al_kb_entry *al_local_async_only(const ir_file *f, const ir_node *at, const char *var, const char **type);
/* An async-only local given to what iterates synchronously (al_async_only_consumed). */
typedef struct al_consumed {
  const al_kb_entry *e; /* the `async_iterables` entry */
  const char *var, *type;
  char how;             /* 'c' a comprehension's plain `for`, 'i' a call of knowledge `iterates`
                         * (`list(fh)`), '[' '(' JS spread into an array / arguments, 'f'
                         * JS `Array.from(rl)` */
} al_consumed;
/* n (in an async function) gives a local or parameter holding an only-async-iterable
 * object (al_local_async_only) to what iterates synchronously: Python's `list(fh)`,
 * `next(fh)` (knowledge `iterates`), a comprehension's or generator expression's plain
 * `for` (`[l for l in fh]`; n: a CALL of it, its ASSIGN or RETURN); JS's spread (`[...rl]`,
 * `f(...rl)`) or `Array.from(rl)` (n: a USE). TypeError (Array.from: an empty array). */
bool al_async_only_consumed(const ir_file *f, const ir_node *n, al_consumed *out);
/* JS: n is spread (`...n`) into an array literal ('['), a call's arguments ('('), an
 * object ('{'); 0: not spread. */
char al_spread_in(const ir_file *f, const ir_node *n);
/* The call a `for` iterates (`for x in rows()`, `for (const x of pages())`: the loop's
 * expression is that call), or NULL. */
const ir_node *al_loop_iterated_call(const ir_file *f, const ir_node *loop);
/* JS: a call through a limiter (`limit(() => ...)`) or of a limiter's method (`queue.add(...)`). */
bool al_js_limiter_call(const ir_file *f, const ir_node *n);
/* True when the subtree at n (not entering nested functions) acquires a limiter:
 * `async with <limiter>`, `<limiter>.acquire()`, or (JS) a call through one. */
bool al_acquires_limiter(const ir_file *f, const ir_node *n);
/* C: the loop keeps an in-flight count (its code names `inflight`, `pending`, a
 * semaphore, ...: knowledge `limiter_name_hints`). */
bool al_loop_counts_in_flight(const ir_file *f, const ir_node *loop);
/* True when the project function a call resolves to acquires a limiter. */
bool al_callee_limited(const ir_file *f, const al_index *idx, const ir_node *call);

/* True when name is a cancellation exception type (knowledge `cancelled`). */
bool al_is_cancelled_type(const ir_file *f, const char *name);
/* True when a HANDLER catches cancellation: names a cancelled type (cancel_only: only
 * those) or, when broad is set, is bare / catches BaseException. */
bool al_handler_catches_cancel(const ir_file *f, const ir_node *h, bool broad);
/* True when the handler body re-raises (any raise, not inside a nested function). */
/* The try body awaits outside any shielded scope (only there can the task be cancelled). */
bool al_try_awaits(const ir_file *f, const ir_node *try_node);
/* The handler asks task.cancelling() (knowledge cancel_state). */
bool al_handler_checks_cancel_state(const ir_file *f, const ir_node *h);
bool al_handler_reraises(const ir_node *h);
/* Every raise of the handler raises another exception (`raise TimeoutError() from exc`),
 * none re-raises the cancellation (bare `raise`, `raise exc`, a Cancelled...): the first
 * such raise, else NULL. flake8-async ASYNC104. */
const ir_node *al_handler_replacing_raise(const ir_file *f, const ir_node *h);
/* Python: the function's header declares an awaitable result (`-> Awaitable[int]`;
 * knowledge `awaitable_types`): returning a coroutine unawaited is its design. */
bool al_py_returns_awaitable_by_design(const ir_file *f, const ir_node *fn);
/* True when the handler lets the exception go on: re-raises it, forwards it
 * (fut.set_exception(e), gen.throw(e)), or records it and raises a cancellation or the
 * recorded variable later in the function. */
bool al_handler_propagates(const ir_file *f, const ir_node *h);
/* True when the subtree at n contains an await point (await, async for/with) outside
 * nested functions. */
bool al_has_await(const ir_node *n);
/* The event-loop library a file uses: "trio", "anyio" or "asyncio" by its imports; with
 * none imported, the configured one (target-runtimes), else "asyncio". */
const char *al_py_async_lib(const ir_file *f);
/* What to use instead of the blocking call of knowledge entry e (of `category`) in fn:
 * the entry's `use`, or for C the text of its `advice` key for the loop fn runs under
 * (knowledge `loop_libraries`), after its `use` when it has both (then written in buf). */
const char *al_c_loop_advice(const ir_file *f, const ir_node *fn, const char *category, const al_kb_entry *e, char *buf,
                             size_t cap);
/* The library the function around `at` uses, when it calls into exactly one of asyncio,
 * trio and anyio (a trio function in a file that also imports asyncio to run it); else
 * al_py_async_lib's answer for the file. */
const char *al_py_async_lib_at(const ir_file *f, const ir_node *at);
/* The library a call names itself (`trio.sleep`, `trio.Nursery.start_soon` -> "trio"), else
 * al_py_async_lib_at's answer at it. */
const char *al_py_async_lib_of(const ir_file *f, const ir_node *n);
/* The local name a whole-module import of `module` is bound to in f, or NULL. */
const char *al_py_module_alias(const ir_file *f, const char *module);
/* Adds `import module` to fx, before the first top-level import (after __future__). */
void al_py_add_import(al_fix *fx, const ir_file *f, const char *module);
/* Byte offset of the start of the line holding off, and the indentation there. */
uint32_t al_line_start(const ir_file *f, uint32_t off);
size_t al_indent_at(const ir_file *f, uint32_t off, char *buf, size_t cap);
/* The byte offset just past the callee text of a call (the opening parenthesis). */
uint32_t al_callee_end(const ir_file *f, const ir_node *call);
/* A call's name for messages ("a.b", or the callee as written for `[1].map()`). */
const char *al_call_label(const ir_file *f, const ir_node *n);
/* The span of the len bytes at offset off (on one line): where a rule reports a place
 * inside a node (a yield, a parameter, a tested status) that has no node of its own. */
ir_span al_span_at(const ir_file *f, uint32_t off, uint32_t len);

/* True when a call starts a task whose only reference is its result (knowledge `spawn`:
 * asyncio.create_task, ensure_future, loop.create_task; not TaskGroup/nursery spawns). */
bool al_spawn_dangles(const ir_file *f, const ir_node *call);
/* True when a call starts a task at all (any `spawn` entry). */
bool al_is_spawn(const ir_file *f, const ir_node *call);
/* JS: `xs.map(f)` / `xs.flatMap(f)`, an array's — not a module's function of that name
 * that the knowledge says returns a promise (Bluebird's `Promise.map(xs, f)`). */
bool al_js_array_map(const ir_node *call);

/* True when a `with` shields its body from outer cancellation: a `shields` entry
 * (CancelScope / move_on_after / fail_after need shield=True). */
bool al_shielded_with(const ir_file *f, const ir_node *w);
/* A with over a scope with no timeout of its own (knowledge `shields` with `deadline`,
 * the deadline not given): `CancelScope(shield=True)`; its knowledge entry, or NULL. */
const al_kb_entry *al_with_untimed(const ir_file *f, const ir_node *w);
/* A with over a timeout scope (knowledge `timeout_scopes`) that has its timeout. */
bool al_with_times_out(const ir_file *f, const ir_node *w);

/* A fix replacing the whole call with `target()` (`trio.lowlevel.checkpoint`), written
 * through the name target's top module is imported as; NULL when it is not imported. */
al_fix *al_py_call_fix(const ir_file *f, const ir_node *call, const char *target, al_fix_safety safety,
                       const char *title);

/* For a one-argument sleep call (knowledge `sleeps`): the entry's attribute attr
 * (`checkpoint`, `forever`), or NULL. */
const char *al_sleep_attr(const ir_file *f, const ir_node *call, const char *attr);

/* True when every await and throw of fn (not counting nested functions) sits in a try
 * block whose catch does not rethrow: calling it cannot reject (or raise) through an
 * await. */
bool al_func_handles_errors(const ir_node *fn);

/* Where a name read at node `at` is declared with a promise type: the function it is a
 * parameter of (IR_ARG_PROMISE: TypeScript `p: Promise<T>`), or the variable's
 * declaration (an ASSIGN with IR_F_PROMISE_TYPED: `declare const p: Promise<T>`, in the
 * function around `at`, one around that, or the module, before `at`); NULL otherwise (a
 * parameter of the same name and another type in between shadows it). */
const ir_node *al_promise_param(const ir_file *f, const ir_node *at, const char *name);
/* The same, or for an array of promises (IR_ARG_PROMISE_ARRAY, IR_F_PROMISE_ARRAY: `ps:
 * Promise<T>[]`) or a union holding a promise (IR_ARG_MAYBE_PROMISE, IR_F_MAYBE_PROMISE_TYPED:
 * `p: Promise<T> | null`): *array and *maybe say which (one walk for all). */
const ir_node *al_promise_or_array_param(const ir_file *f, const ir_node *at, const char *name, bool *array,
                                         bool *maybe);

/* Python: `map(work, xs)` with work an async function of the project, called as is or
 * materialised (`list(map(...))`, `tuple`, `set`, `sorted`): the map call, with the
 * function in *fn; NULL otherwise (also when a project function named map or list is
 * called). A coroutine per item. */
const ir_node *al_py_async_map(const ir_file *f, const al_index *idx, const ir_node *call, const al_func_info **fn);

/* The last assignment of local `var` before `at`, in the function around `at` (or the
 * module; nested functions skipped), or NULL. */
const ir_node *al_last_assign(const ir_file *f, const ir_node *at, const char *var);
/* The same in scope `scope` (a function around `at`, or the file's root). */
const ir_node *al_last_assign_in(const ir_node *scope, const ir_node *at, const char *var);

/* JS: the call that is the value of member `prop` (prop[0, plen)) of the object literal
 * last assigned to local `var` before `at`, in the function around `at` (or the module)
 * — `const obj = { user: load(id) }` — or NULL. */
const ir_node *al_literal_member_call(const ir_file *f, const ir_node *at, const char *var, const char *prop,
                                     size_t plen);

/* The off-loop API (knowledge `offloop`: asyncio.to_thread, run_in_executor, Thread,
 * executor.submit, setTimeout's JS counterpart none) that call is an argument of —
 * `to_thread(time.sleep(1))`: the call runs here, and only its result is handed over —
 * or NULL. */
const ir_node *al_offloop_arg_of(const ir_file *f, const ir_node *call);
/* For a call written as an argument: the fix passing the function and its positional
 * arguments instead (`to_thread(time.sleep, 1)`, `start_soon(work, x)`), or NULL when it
 * has keyword arguments (or is a `target=` keyword with arguments). */
al_fix *al_pass_function_fix(const ir_file *f, const ir_node *call, al_fix_safety safety);

/* Python: the knowledge `context_manager_decorators` entry of the project function a
 * call resolves to (`@contextmanager def f()`, `@asynccontextmanager async def f()`), or
 * NULL; *is_async: it makes an async context manager. */
const al_kb_entry *al_py_cm_factory(const al_index *idx, const ir_file *f, const ir_node *call, bool *is_async);

/* Python: n is inside a generator expression — an enclosing `(...)` (up to n's function)
 * holding a `for` at its own depth: an await there makes it an async generator, which
 * is legal in any function and which any()/sum() cannot iterate. */
bool al_py_in_genexp(const ir_file *f, const ir_node *n);

/* The call's argument i as a direct child call node, when that argument is exactly a
 * call (`Promise.all(fetch(x))`, `loop.call_soon(refresh())`), matched by its text; or
 * NULL. */
const ir_node *al_arg_call(const ir_file *f, const ir_node *call, uint32_t i);
/* n (a CALL, or a USE of a local) is turned into text where it stands, not awaited: in an
 * f-string / template interpolation or beside a string literal's `+` (IR_USE_FORMATTED),
 * or as an argument of a call that only prints or formats its arguments (knowledge
 * `formats`, by the last name component: print, str, console.log, JSON.stringify; not
 * a project function of that name). Returns that call, n itself for the first kind, or
 * NULL. */
const ir_node *al_formatted(const ir_file *f, const al_index *idx, const ir_node *n);
/* What is read off n (a CALL, or a USE of a local; IR_USE_ACCESSED) right after it in the
 * text: a member (`.x`, `?.x`: its name into buf), an element (`[`: "[]"), or nothing (a
 * destructuring pattern: ""). */
const char *al_accessed_member(const ir_file *f, const ir_node *n, char *buf, size_t cap);
/* member (from al_accessed_member) is one an awaitable has of its own (knowledge
 * `awaitable_own_members`: then/catch/finally; a coroutine's close/send): reading it is
 * not using the awaitable as its result. */
bool al_own_member(const ir_file *f, const char *member);

/* The argument of call that is its callback, by the knowledge entry's `arg`: a position
 * among the positional arguments ("1") or a keyword ("target"); *index is its index in
 * call->args. NULL when there is none. */
const ir_arg *al_callback_arg(const ir_node *call, const al_kb_entry *e, uint32_t *index);

/* A character of an identifier (letters, digits, `_`, `$`). */
static inline bool al_ident_char(char c) {
  return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* text is one identifier (`err`, `_e`, `$x`), not an expression. */
static inline bool al_is_identifier(const char *text) {
  if (!*text || (*text >= '0' && *text <= '9')) return false;
  for (; *text; text++)
    if (!al_ident_char(*text)) return false;
  return true;
}
/* text mentions name as a whole identifier of its own (`fh`, `f(fh)`, `fh.read`), not
 * as an attribute of something else (`self.fh`). */
bool al_text_mentions(const char *text, const char *name);

/* Python: w opens a task group (a WITH one of whose managers is in knowledge
 * `task_groups`: nursery, anyio task group, asyncio.TaskGroup). */
bool al_py_task_group_with(const ir_file *f, const ir_node *w);
/* Python: the first item of WITH w that opens a cancel scope or a task group (knowledge
 * `timeout_scopes`, `task_groups`: `asyncio.timeout(5)`, `trio.CancelScope()`,
 * `trio.open_nursery()`), or NULL (the text is in a per-thread buffer). */
const char *al_py_cancel_scope_item(const ir_file *f, const ir_node *w);

/* Python: h is an `except*` handler (it binds a group of exceptions). */
bool al_py_star_handler(const ir_file *f, const ir_node *h);

/* The calls in f that grow the collection called name (`name.push(...)`, `.append`,
 * `.add`, `.extend`, `.unshift`, `.insert`), in source order (*count of them). */
const ir_node *const *al_growth_calls(const ir_file *f, const char *name, size_t *count);

/* The source between from and to contains word outside comments (#, //, slash-star). */
bool al_code_contains(const ir_file *f, uint32_t from, uint32_t to, const char *word);

/* The source between from and to contains one of the names of a knowledge section
 * (al_code_contains of each). A long range (the rest of a long function, a loop around
 * thousands of statements) is answered from the file's occurrences of the section's
 * names, found once: asked once per handler, the scans made a function of 30,000
 * try/catch blocks take minutes. */
bool al_code_mentions(const ir_file *f, const char *section, uint32_t from, uint32_t to);

/* C: past the comment or the string/char literal that starts at i (before to), or i
 * when none does: for scans of a body's text that must not read commented-out code. */
uint32_t al_skip_comment_or_literal(const ir_file *f, uint32_t i, uint32_t to);

/* C: the position of the callback a `registrations` entry's call takes (its `on`: a
 * position, `last`, or the first of a list), or UINT32_MAX past the call's arguments. */
uint32_t al_c_callback_arg(const al_kb_entry *reg, const ir_node *call);
/* C: how to wait for the future a call returns: `rt_await()` for the reference runtime's
 * (knowledge `future_types`), the runtime's own await for another's (`future_type_words`). */
bool al_c_reference_future(const ir_file *f, const ir_node *call);
/* C: the text `x` or `futs[i]` of `x = call(...)` / `futs[i] = call(...)` before the call
 * starting at `at` (a plain `=`), into buf; false when the call is not so assigned. */
bool al_c_assign_target(const ir_file *f, uint32_t at, char *buf, size_t cap);
/* C: the text [from, to) names a word of a knowledge section (`ECANCELED`) or, with
 * calls, calls one of its names (`rt_cancelled(`). */
bool al_c_names_any(const ir_file *f, const char *section, bool calls, uint32_t from, uint32_t to);
/* C: where the branch holding offset at starts, when it is the branch of an `if` whose
 * condition finds the task cancelled (knowledge `cancelled`, `cancel_state`), else
 * UINT32_MAX. */
uint32_t al_c_cancelled_branch(const ir_file *f, const ir_node *fn, uint32_t at);
/* C: call is one that runs synchronously when given a NULL callback (knowledge
 * `registrations` with `null_cb_sync`: libuv's fs requests, uv_getaddrinfo, ...) and is
 * given one. */
bool al_c_sync_without_callback(const ir_file *f, const ir_node *call);

/* C: arg past its leading casts and spaces (`(uv_handle_t *) &t` -> `&t`). */
const char *al_c_skip_casts(const char *arg);
/* C: the object an argument names, without casts and address-of: `(uv_req_t *)&r` -> `r`. */
void al_c_object_of(const char *arg, char *out, size_t cap);

/* Python: the decorators above fn name one of the knowledge `generator_managers`
 * (@asynccontextmanager, pytest fixtures): a generator driven as set-up, yield, tear-down. */
bool al_py_generator_managed(const ir_file *f, const ir_node *fn);

/* The first `yield` of fn itself (not of a function nested in it) within [from, to) of
 * the text, outside comments and strings: its offset, or UINT32_MAX. */
uint32_t al_yield_in(const ir_file *f, const ir_node *fn, uint32_t from, uint32_t to);
/* Calls visit for each `yield` of a generator of f (async ones only, with async_only;
 * not one decorated as a context manager or fixture, knowledge `generator_managers`)
 * inside a WITH block that pick accepts, once, with the outermost such block (w) and a
 * node spanning the `yield` keyword (y). Yields of nested functions are theirs. */
typedef void (*al_yield_visit)(const ir_file *f, const ir_node *fn, const ir_node *w, const ir_node *y, void *ctx);
void al_each_yield_in_with(const ir_file *f, bool async_only, bool (*pick)(const ir_file *, const ir_node *),
                           al_yield_visit visit, void *ctx);

#endif
