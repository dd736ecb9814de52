/* ir: the sparse, language-neutral async IR every front end lowers into and every rule
 * reads. A file's nodes, strings and arguments live in one arena freed with the file. */
#ifndef AL_IR_H
#define AL_IR_H

#include <stdbool.h>
#include <stdint.h>

#include "source.h"
#include "util.h"

typedef enum {
  IR_FILE,
  IR_FUNC,     /* name: qualified name (Class.method); type: C return type; module/member
                * (Python, TypeScript): the class its return annotation names, resolved as
                * a callee is (module NULL: this file; async or Promise<T>: T); args: the
                * parameter names; body: where the body starts; text (C, set by the
                * index): how it runs on the loop (registering API or field, or the call
                * chain from a loop callback) */
  IR_CLASS,    /* name; args: the base classes, each text = its dotted name inside the
                * module keyword (NULL: this file), resolved through the imports */
  IR_CALL,     /* name: resolved callee; module/member: where it resolves; use; args */
  IR_AWAIT,
  IR_RAISE,    /* name: what is raised (text), NULL for a bare raise */
  IR_RETURN,
  IR_BREAK,
  IR_CONTINUE,
  IR_LOOP,     /* name: iterated expression text (for) or condition (while); alias: the
                * loop target (for); body: where the body starts */
  IR_TRY,
  IR_HANDLER,  /* name: caught types, comma separated (resolved); NULL = bare/catch-all */
  IR_FINALLY,
  IR_WITH,     /* name: context manager expressions, comma separated (resolved); text: per
                * item, ';'-separated, its call arguments ("a,b,kw=v"); alias (Python): per
                * item, ','-separated, the name it binds (`as fh`; empty when none) */
  IR_ASSIGN,   /* name: the local variable assigned; text: the value (short) */
  IR_USE,      /* name: a local variable read; member (JS): the property read off it when that
                * member expression is a statement of its own (`obj.user;`) */
  IR_IMPORT,   /* name: module spec; member: imported name (NULL: whole module); alias: local name */
  IR__COUNT
} ir_kind;

enum {
  IR_F_ASYNC = 1u << 0,        /* FUNC: async def / async function; LOOP: async for; WITH: async with;
                                * AWAIT (Python): the `async for` of a comprehension */
  IR_F_GENERATOR = 1u << 1,    /* FUNC */
  IR_F_LAMBDA = 1u << 2,       /* FUNC: lambda / arrow / anonymous function expression */
  IR_F_LOOP_CALLBACK = 1u << 3,/* FUNC: registered with a loop API as a callback (C: by the index;
                                * Python/JS: named as one in its file, frontend.c) */
  IR_F_OFF_LOOP = 1u << 4,     /* FUNC: runs off the event loop (executor, work_cb) */
  IR_F_METHOD = 1u << 5,       /* FUNC: defined in a class; ASSIGN (C): of a function to a struct field
                                * (name: the field; type: the record's USR, when clang knows it);
                                * CALL (C): through a struct field's function pointer
                                * (`s->on_msg(s)`; name: the field; member: `<record USR>.<field>`) */
  IR_F_NEW = 1u << 6,          /* CALL: `new X(...)` */
  IR_F_SELF = 1u << 7,         /* CALL: receiver is self / this / cls */
  IR_F_WHILE = 1u << 8,        /* LOOP: while / do-while (else: for) */
  IR_F_READ_LOCAL = 1u << 8,   /* CALL (Python): stands for the query a local's lazy queryset runs where it is
                                * read (`for x in qs`, `list(qs)`); text: the local */
  IR_F_PLAIN_TYPED = 1u << 8,  /* ASSIGN (TypeScript): the variable is declared with a type that is never a
                                * promise (`declare const n: number`; see IR_ARG_PLAIN) */
  IR_F_MAYBE_PROMISE = 1u << 8, /* FUNC (TypeScript): with IR_F_RETURNS_PROMISE, the promise type is one of a
                                 * union (`Promise<T> | null`): dropping the result floats a promise, but a
                                 * test of it (`if (f())`, `f() ?? x`, `f() === null`) decides something */
  IR_F_BARE = 1u << 9,         /* RAISE: bare re-raise; HANDLER: bare except / catch-all */
  IR_F_RETURNS_PROMISE = 1u << 10, /* FUNC (JS): returns `new Promise(...)` */
  IR_F_EXPORTED = 1u << 11,    /* FUNC: exported (JS export / C external linkage); CLASS, ASSIGN (JS): exported */
  IR_F_DEFINITION = 1u << 12,  /* FUNC (C): has a body in this file */
  IR_F_DECORATED = 1u << 13,   /* FUNC/CLASS: has decorators; CALL (Python): a decorator that caches
                                * results (knowledge `result_caching_decorators`) on an `async def`,
                                * args[0] the function's name */
  IR_F_DERIVED = 1u << 14,     /* CLASS: names base classes */
  IR_F_LITERAL = 1u << 15,     /* ASSIGN: the value is a list/tuple/set/dict literal */
  IR_F_COMPREHENSION = 1u << 16, /* ASSIGN, RETURN (Python): the value is a comprehension (member: what
                                  * it iterates) */
  IR_F_LOOP_REACHED = 1u << 17, /* FUNC (C): called (transitively) from a loop callback */
  IR_F_MAY_BLOCK = 1u << 18,   /* FUNC (C): annotated ASYNCLINT_MAY_BLOCK: blocking by intent */
  IR_F_ANNOT_ON = 1u << 19,    /* FUNC (C): annotated ASYNCLINT_ON_LOOP (the index may add LOOP_CALLBACK */
  IR_F_ANNOT_OFF = 1u << 20,   /*   and OFF_LOOP; these keep what the source says across rebuilds) */
  IR_F_FALLS_THROUGH = 1u << 21, /* HANDLER (Python): its block can end normally, past its raises */
  IR_F_YIELD_FROM = 1u << 22,  /* AWAIT (Python): a `yield from` inside an async def (a SyntaxError) */
  IR_F_PROMISE_ARRAY = 1u << 22, /* ASSIGN (TypeScript): the variable is declared an array of promises
                                  * (`declare const ps: Promise<T>[]`, `Array<Promise<T>>`) */
  IR_F_CB_SIGNATURE = 1u << 23, /* FUNC (C): its parameters are a loop callback's (knowledge
                                 * `callback_signatures`; alias: the callback type) */
  IR_F_VOID_SLOT = 1u << 24,   /* FUNC (TypeScript): a function expression stored where a function
                                * returning void is expected — a variable typed `() => void`, or
                                * returned from a function whose return type is one: whoever calls
                                * it ignores the promise an async one returns */
  IR_F_LEAVES_FINALLY = 1u << 25, /* BREAK/CONTINUE (JS): its target (a label, a switch around the try) lies
                                  * outside the finally block it is in, past any loops between */
  IR_F_PROMISE_TYPED = 1u << 26, /* ASSIGN (TypeScript): the variable is declared with a promise type
                                  * (`declare const p: Promise<T>`, `let p: Promise<T>;`, `const p:
                                  * Promise<T> = ...`); text: the value, or the type when there is none.
                                  * FUNC (TypeScript), with IR_F_PROPERTY: a field declared as a promise
                                  * (`ready: Promise<void>;`), read like a getter */
  IR_F_TYPED_CALLEE = 1u << 27, /* CALL (TypeScript): made by a name whose declared type is what it resolves
                                 * to (`load: Loader; load()` -> Loader, a function type alias) */
  IR_F_PROPERTY = 1u << 28,    /* FUNC (Python): a property getter (`@property`, `@cached_property`);
                                * CALL (Python): a read of an attribute named like a property of this file
                                * (`self.config`): it calls the getter. It resolves only to a getter, and
                                * no knowledge entry answers for it (the read is not a call of an API) */
  IR_F_ONE_STATEMENT = 1u << 29, /* WITH (Python): its body is a single statement */
  IR_F_RETURNS_RECEIVER = 1u << 29, /* FUNC: its returns make the class it is called on (`return
                                     * cls()` / `self`, `return new this()` / `this`): a subclass's
                                     * call gives the subclass */
  IR_F_CANCEL_RAISES = 1u << 30, /* HANDLER (Python): sorts what it caught (`isinstance(e, ...)`), and the
                                  * path a cancellation takes through it surely raises */
  IR_F_CANCEL_QUIET = 1u << 31,  /* HANDLER (Python): ... and that path surely ends quietly */
  IR_F_MAYBE_PROMISE_TYPED = 1u << 30, /* ASSIGN (TypeScript): declared with a union holding a promise type
                                        * (`let p: Promise<T> | null`): standing alone it may float one */
  IR_F_GUARD_TAKEN = 1u << 31,   /* CALL (C), with a guard: the index found a call of its function from the
                                  * loop that makes it (its argument is (not) NULL as the guard asks, or unknown) */
};

typedef enum {
  IR_USE_NONE,
  IR_USE_DISCARDED, /* an expression statement: the result is dropped */
  IR_USE_AWAITED,
  IR_USE_ASSIGNED,  /* var: the variable */
  IR_USE_RETURNED,
  IR_USE_PASSED,    /* an argument to another call */
  IR_USE_CHAINED,   /* JS: receiver of .then/.catch/.finally */
  IR_USE_VOIDED,    /* JS `void f()`, C `(void)f()` */
  IR_USE_OTHER,
  IR_USE_CONDITION, /* Python/JS: truth-tested (if/while/assert/ternary test, not/!, left of
                     * and/or/&&/||/??): a coroutine or promise there is always true */
  IR_USE_FORMATTED, /* Python/JS: turned into text where it stands — an f-string / template
                     * interpolation, an operand of `+` (or Python `%`) with a string literal */
  IR_USE_ACCESSED,  /* Python/JS: used as if it were the result — a property, element or method of it
                     * (`f().x`, `f()[0]`, `f().items()`, `p.length`; JS: not then/catch/finally,
                     * which are CHAINED), or destructured (`const { x } = f()`) */
  IR_USE_OPERAND,   /* Python/JS: an operand of a comparison or arithmetic operator (`f() == 1`,
                     * `f() > 0`, `f() * 2`; not `+` beside a string literal: FORMATTED) */
  IR_USE__COUNT
} ir_use;

enum {
  IR_ARG_SPREAD = 1u << 0,     /* *args / ...xs */
  IR_ARG_COMPREHENSION = 1u << 1, /* a comprehension / generator expression / xs.map(...) */
  IR_ARG_NULL = 1u << 2,       /* NULL / None / null literal */
  IR_ARG_FUNC_REF = 1u << 3,   /* a bare function name (a callback) */
  IR_ARG_LAMBDA = 1u << 4,     /* an inline function / lambda */
  IR_ARG_LITERAL = 1u << 5,    /* a literal (number, string, list/array literal) */
  IR_ARG_KEYWORD = 1u << 6,    /* keyword argument: name holds the keyword */
  IR_ARG_PROMISE_FN = 1u << 7, /* FUNC parameter: typed as a function returning a promise (TypeScript
                                * `() => Promise<T>`) or an awaitable (Python `Callable[..., Awaitable[T]]`) */
  IR_ARG_PROMISE = 1u << 8,    /* FUNC parameter: typed as a promise itself (TypeScript `p: Promise<T>`) */
  IR_ARG_VOID_FN = 1u << 9,    /* FUNC parameter: typed as a function returning void (TypeScript `cb: () =>
                                * void`): a promise its argument returns is ignored */
  IR_ARG_PROMISE_ARRAY = 1u << 11, /* FUNC parameter: typed as an array of promises (`ps: Promise<T>[]`) */
  IR_ARG_PLAIN = 1u << 12,     /* FUNC parameter (TypeScript): typed as a value that is never a promise
                                * (`n: number`, `s: 'a' | 'b'`, `ids: string[]`) */
  IR_ARG_MAYBE_PROMISE = 1u << 13, /* FUNC parameter (TypeScript): typed as a union holding a promise */
  IR_ARG_NOT_ERROR = 1u << 10, /* CALL argument: a value that cannot be an Error object — a literal, a
                                * template, an object/array literal, a function or class, `undefined`,
                                * the result of an arithmetic/unary/comparison operator (JavaScript) */
};

typedef struct ir_arg {
  uint32_t flags;
  const char *text;    /* a short text of the argument (identifier, dotted name, literal) */
  const char *keyword; /* keyword argument name, or NULL */
  const char *iter;    /* COMPREHENSION: the iterated expression (text), or NULL */
  const char *ref_module, *ref_member; /* a method named through a typed receiver (`s.save` with `s = new
                                        * Svc()`, `self.repo.save`): where it resolves, as a call's
                                        * module/member (ref_member NULL: not known); a
                                        * Python FUNC's parameter: the class its annotation
                                        * names (`ws: websockets.ServerConnection`) */
} ir_arg;

typedef struct ir_span {
  uint32_t start, end;       /* byte offsets */
  uint32_t line, col;        /* 1-based, of start; col counts bytes (a finding adds where it ends) */
} ir_span;

typedef struct ir_node ir_node;
struct ir_node {
  uint8_t kind;
  uint8_t use;
  uint8_t guard;       /* CALL (C): made only when a pointer parameter of its function is NULL
                        * (IR_GUARD_NULL) or is not: the parameter's index + 1 in the low
                        * bits (`if (cb == NULL) run_sync(); else submit(...)`); 0: always.
                        * FUNC (TypeScript): IR_OVERLOAD_ARITY and which calls get a promise */
  uint32_t flags;
  ir_span span;
  const char *name;
  const char *module;  /* CALL/IMPORT: module spec the name resolves to, NULL when local */
  const char *member;  /* CALL: dotted name inside module (or the local dotted text); FUNC (C): the
                        * API that registered the loop callback it is or runs under (index) */
  const char *alias;   /* IMPORT: local name; CALL: variable the result is assigned to */
  const char *type;    /* C: result type (CALL) / return type (FUNC); TypeScript: the primitive a
                        * FUNC is declared to return (`number`; a body-less signature only
                        * when it is the name's one declaration); Python: the library type
                        * of the value (ASSIGN); Python/JS: of the local or instance
                        * attribute a LOOP iterates, as the front end typed it (a parameter's
                        * annotation, a tuple target's `returns` type, the class's) */
  const char *text;    /* CALL: the callee as written in the source (for messages) */
  uint32_t nargs;
  uint32_t body;       /* FUNC/LOOP: byte offset where the body starts (0: unknown) */
  ir_arg *args;
  ir_node *parent, *child, *next;
  ir_node *func;       /* the nearest enclosing FUNC (O(1) for deeply nested input), or NULL */
};

#define IR_GUARD_NULL 0x80u
/* FUNC (TypeScript): overloads that differ in whether they return a promise; bit k of
 * guard set: a call with k arguments (6: six or more) gets one (overload_promise_arity) */
#define IR_OVERLOAD_ARITY 0x80u
#define IR_GUARD_PARAM(g) ((int)((g) & 0x7fu) - 1)

typedef struct ir_file {
  al_arena arena;
  const al_source *src;
  al_lang lang;
  const char *module;  /* Python: dotted module; JS: path without extension; C: path */
  ir_node *root;
  ir_node *recent;     /* the node ir_add made last: where it finds a parent's last child */
  bool parse_errors;   /* the parser recovered from syntax errors */
  bool typed_apis;     /* JS: imports a package whose callbacks' parameters are typed (`callback_params`) */
  uint64_t serial;     /* unique per lowering: memos derived from a file compare it */
  struct al_summary *summary; /* what the index needs of the file, computed beside the
                               * lowering (see index.h); consumed by al_index_build */
  uint8_t pytest;      /* Python: AL_PYTEST_* (pytest_ctx.h): a test file pytest collects, and
                        * whether its project runs unmarked coroutine tests */
  const char *py_runtime; /* the configuration's Python event-loop library (target-runtimes),
                           * for fixes in a file that imports none; NULL: asyncio */
  /* ir_of_kind's lists: the nodes grouped by kind, pre-order within a kind, each group
   * NULL-terminated and starting at by_kind + kind_at[kind]; NULL until first asked */
  ir_node **by_kind;
  uint32_t kind_at[IR__COUNT];
  struct ir_binding *bindings; /* ir_bindings_of's table; NULL until first asked */
  uint32_t nbindings;
} ir_file;

ir_file *ir_file_new(const al_source *src, const char *module);
void ir_file_free(ir_file *f);
/* Creates a node of kind under parent (appended as last child). */
ir_node *ir_add(ir_file *f, ir_node *parent, ir_kind kind, ir_span span);
const char *ir_str(ir_file *f, const char *s, size_t n); /* copy into the file's arena */

/* The nodes of kind k in f, in pre-order, NULL-terminated. Built for the whole file on
 * the first call, after which f's tree must not change (once a front end returns, the
 * passes after it and the rules only read it): a walk over the nodes of one kind reads
 * an array instead of chasing the tree's pointers through every node, which missed the
 * cache on each of the dozens of walks a file had (ir_next: 13 % of a lint's L1 data
 * misses, 1.9 % of its CPU samples). */
ir_node *const *ir_of_kind(const ir_file *f, ir_kind k);
/* How many nodes ir_of_kind(f, k) lists. */
size_t ir_count_of_kind(const ir_file *f, ir_kind k);

/* The nodes of a few kinds, kind by kind (each in pre-order), for walks that keep no
 * state from one node to the next:
 *   ir_kinds_iter it = ir_kinds(f, IR_KINDS(IR_HANDLER, IR_WITH));
 *   for (const ir_node *n; (n = ir_kinds_next(&it));) ... */
#define IR_KINDS(...) ((const ir_kind[]){__VA_ARGS__, IR__COUNT})
typedef struct ir_kinds_iter {
  const ir_file *f;
  const ir_kind *kind; /* the kind being walked; IR__COUNT-terminated */
  ir_node *const *at;
} ir_kinds_iter;
static inline ir_kinds_iter ir_kinds(const ir_file *f, const ir_kind *kinds) {
  return (ir_kinds_iter){f, kinds, ir_of_kind(f, kinds[0])};
}
static inline ir_node *ir_kinds_next(ir_kinds_iter *it) {
  while (!*it->at) {
    if (*it->kind == IR__COUNT || *++it->kind == IR__COUNT) return NULL;
    it->at = ir_of_kind(it->f, *it->kind);
  }
  return *it->at++;
}

/* Pre-order traversal without recursion: the node after n inside root, or NULL. */
ir_node *ir_next(const ir_node *n, const ir_node *root);
/* Like ir_next but skips n's children. */
ir_node *ir_next_skip(const ir_node *n, const ir_node *root);
/* n is inside root's subtree (not root itself). */
bool ir_within(const ir_node *n, const ir_node *root);
/* The nearest FUNC enclosing n (not n itself), or NULL at module level. */
ir_node *ir_enclosing_func(const ir_node *n);
/* fn (a FUNC) has a parameter named name[0, len): its text past `*` / `...`, before a
 * default or a type. */
bool ir_has_param(const ir_node *fn, const char *name, size_t len);
/* A node that binds a local name: an ASSIGN (its name), a CALL whose result is assigned
 * (its alias), or a LOOP, WITH or HANDLER with one of the names of its target list. */
typedef struct ir_binding {
  const char *name; /* not NUL-terminated at len for a name of a target list */
  uint32_t len;
  ir_node *n;
} ir_binding;
/* The nodes anywhere in f that bind name[0, len), in source order (*count of them). Built
 * for the whole file on the first call, like ir_of_kind's lists: a function of 20,000
 * loops asked once per loop for the last assignment before it scanned the function from
 * its start each time (seconds). */
const ir_binding *ir_bindings_of(const ir_file *f, const char *name, size_t len, size_t *count);
/* A scope up to this size is walked rather than looked up in ir_bindings_of's table
 * (most functions: the table's sort costs more than their walks). */
#ifndef IR_SCAN_BYTES /* (a build with 0 checks the table against the walks) */
#define IR_SCAN_BYTES 16384u
#endif
/* A local named name[0, len) is bound in scope (a FUNC of f, or f's root) before the
 * byte offset `before`, outside nested functions: assigned (an ASSIGN, a call's result
 * variable), or a target of a loop, `with ... as` or `except ... as`. */
bool ir_binds_local(const ir_file *f, const ir_node *scope, const char *name, size_t len, uint32_t before);
/* Where the first such binding starts (UINT32_MAX: none before `before`). */
uint32_t ir_first_binding(const ir_file *f, const ir_node *scope, const char *name, size_t len, uint32_t before);
/* The nearest CLASS enclosing n, or NULL. */
ir_node *ir_enclosing_class(const ir_node *n);

const char *ir_kind_name(ir_kind k);
const char *ir_use_name(ir_use u);
/* Prints the IR as indented text (what `asynclint dump-ir` shows and unit tests compare). */
void ir_print(const ir_file *f, al_buf *out);

#endif
