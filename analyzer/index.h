/* index: the project-wide view built between the two passes: which functions exist
 * where, which return awaitables, and how a call resolves to a project function. */
#ifndef AL_INDEX_H
#define AL_INDEX_H

#include <pthread.h>

#include "ir.h"
#include "kb.h"

enum {
  AL_FN_AWAITABLE = 1u << 0,      /* calling it yields a coroutine / promise / future */
  AL_FN_HANDLES_ERRORS = 1u << 1, /* async: every await/raise in it is caught quietly (it cannot reject) */
  AL_FN_LIMITED = 1u << 2,        /* it acquires a limiter (semaphore, capacity limiter) */
  AL_FN_RETURNS_PLAIN = 1u << 3,  /* a plain function returning no value or a literal (JS: and one literal value) */
  AL_FN_RETURNS_VALUE = 1u << 4,  /* with RETURNS_PLAIN: some return has a literal value other than None */
  AL_FN_STARTABLE = 1u << 5,      /* Python async: takes `task_status`, reports readiness (nursery.start) */
  AL_FN_RETURNS_NOTHING = 1u << 6, /* JS: a plain function none of whose returns has a value (or only null /
                                    * undefined): calling it gives undefined (RETURNS_PLAIN is not set: an
                                    * await of it is the deliberate tick `await undefined` is) */
};

/* An index record. file and func are the file's summary IR (see al_summary): they stay
 * valid after the file's own IR is freed, so rules may read them for any file. */
typedef struct al_func_info al_func_info;
struct al_func_info {
  const ir_file *file;
  const ir_node *func;
  uint32_t flags;
  /* A synchronous function that blocks: block_call is the call in its body that blocks,
   * either a blocking API (block_api) or a project function that blocks (block_via);
   * block_depth counts the functions down to the API (1: it calls the API itself). */
  const ir_node *block_call;
  const al_kb_entry *block_api;
  const al_func_info *block_via;
  uint32_t block_depth;
  /* C: it blocks only when a pointer parameter is (not) NULL (an ir_node guard: `if (cb
   * == NULL) read_sync()`), 0: whatever it is given */
  uint8_t block_cond;
  /* C: the `registrations` entry of an API this function is passed to as a callback */
  const al_kb_entry *reg_api;
  /* What a rule can learn from this record (everything above, by identity): equal
   * digests give equal answers. Speculative runs compare them (see al_index_spec).
   * digest_base leaves the blocking summary out: a lookup records it, and only a rule
   * that reads block_* (al_index_blocking) records the whole digest, so a file's own
   * sync functions learning later that they block (a helper's module was indexed after
   * the file) do not send the file to a recheck when none of its rules asked. */
  uint64_t digest, digest_base;
};

/* How deep AL210 follows synchronous helpers down to a blocking call. */
#define AL_BLOCK_MAX_DEPTH 4

typedef struct al_index {
  al_map funcs;      /* "module\x1fqualname" -> al_func_info* */
  al_vec infos;      /* owns the al_func_info */
  al_vec copies;     /* owns the summary IRs the records point into (ir_file*) */
  al_map modules;    /* module id -> ir_file* */
  al_map promisified; /* JS: "module\x1fname" of module-level bindings to util.promisify(...) */
  size_t nvalues;     /* typed module values in promisified ("module\x1f=name") */
  uint64_t serial;   /* unique per build: memos derived from an index compare it */
  struct al_spec *spec; /* a speculative index (al_index_spec_init), else NULL */
  al_arena arena;       /* the records and the maps' keys (borrowed): freed at once */
} al_index;

/* A file's summary: its named functions in order and, for each, the calls of its own
 * body (nested functions excluded), which of those it returns, and its blocking sites
 * (busy-wait loops and calls matching the blocking knowledge, in order). Computed in
 * pass 1 right after lowering, in parallel and while the IR is still in the cache, so
 * the serial index build walks lists instead of every file's whole IR.
 *
 * Python and JavaScript summaries point into a summary IR of their own (`ir`): a copy
 * of just those functions (and the functions around them), calls and loops, with their
 * strings. The file's full IR can then be freed as soon as its rules have run: the index
 * and every rule reading another file's function see only the copy. C summaries point
 * into the full IR (`ir` is the file itself): the index marks loop contexts on C
 * functions that the C rules read in place, so C files keep their IR for the run. */
typedef struct al_fn_summary {
  ir_node *func;
  const ir_node **calls, **returned, **sites;
  const al_kb_entry **site_apis; /* per site: the knowledge entry (NULL: a busy-wait loop) */
  uint32_t ncalls, nreturned, nsites;
  uint32_t facts; /* AL_FN_HANDLES_ERRORS, AL_FN_LIMITED, AL_FN_STARTABLE: read off the full IR */
} al_fn_summary;

typedef struct al_summary {
  ir_file *ir;   /* the summary IR (a copy), or the file itself (C) */
  const ir_file *of; /* the file summarized */
  al_fn_summary *fns;
  size_t nfns;
  /* JS: module-level `const x = util.promisify(...)` (knowledge `promisifiers`): names
   * and entries, in the summary IR's arena */
  const char **prom_names;
  const al_kb_entry **prom_apis;
  size_t nprom;
  /* classes that name base classes (IR_CLASS copies with their args): a method not
   * found on a class is looked up on its bases */
  const ir_node **classes;
  size_t nclasses;
  /* module-level values of a type the front end knows (JS `export const Post =
   * mongoose.model(...)`, `export default ...`, `module.exports = ...`; Python `http =
   * httpx.AsyncClient()`): ASSIGN copies with name and type, so importers' calls on them
   * resolve (`Post.deleteMany()`, `http.get(url)`) */
  const ir_node **values;
  size_t nvalues;
} al_summary;

/* Sets f->summary (one malloc'd block, and the copy; the index that consumes it owns it).
 * modules (module id -> anything), when given, holds every module the index will have:
 * calls into other modules cannot resolve and are left out of `calls`. */
void al_index_summarize(ir_file *f, const al_map *modules);
/* Where a batch run keeps summary IR: every file a thread summarizes gets its copy in
 * one arena of that thread's (instead of an arena each, whose last block is mostly
 * empty). Freed after the index that holds the copies. */
typedef struct al_summary_store {
  pthread_mutex_t lock;
  al_vec arenas; /* al_arena* */
  uint64_t serial;
} al_summary_store;
void al_summary_store_init(al_summary_store *st);
/* This thread's summaries go to st from now on (NULL: an arena each). */
void al_summary_store_use(al_summary_store *st);
size_t al_summary_store_bytes(al_summary_store *st);
void al_summary_store_free(al_summary_store *st);

/* C guards (ir_node.guard): whether a call so guarded is made when its function is
 * called by `via`: 1 yes (or cannot tell), 0 no (the argument is surely the other
 * way), 2 + q when via's argument is its own function's parameter q (forwarded). */
int al_guard_eval(uint8_t guard, const ir_node *via);

/* Frees a summary that no index took. */
void al_summary_free(al_summary *s);

/* Builds the index; summarizes the files that have no summary yet, and takes every
 * summary (a later build summarizes again: knowledge may have changed in between). */
void al_index_build(al_index *idx, ir_file *const *files, size_t n);
/* The same from summaries alone (the files' IR may be gone, except C's); takes them.
 * Its lookups run on `jobs` threads (this one and jobs - 1 of its own). */
void al_index_build_from(al_index *idx, al_summary *const *sums, size_t n, unsigned jobs);
void al_index_free(al_index *idx);

/* ---- speculative runs ----
 * A batch run frees each file's IR right after its rules, so the rules cannot wait for
 * the whole project's index. They run instead against a speculative index that grows as
 * files are summarized (in any order, from any thread), and every lookup they make is
 * recorded with a digest of its answer. Once every file is summarized, the real index is
 * built; a file whose recorded lookups all get the same answers from it would get the same
 * findings, since rules are a function of the file's IR and those answers. The others are
 * lowered and checked again. */
typedef struct al_readset al_readset;
al_readset *al_readset_new(void);

void al_index_spec_init(al_index *idx);
/* Only one thread uses the speculative index (a -j1 run): its lookups take no lock. */
void al_index_spec_single(al_index *idx, bool single);
/* Adds a file's functions (thread-safe); the summary stays the caller's. What the real
 * build propagates across files is computed against what the index has so far.
 * Returns where the file's records start, for al_index_spec_update. */
size_t al_index_spec_add(al_index *idx, const al_summary *sum);
/* Computes that again (the files it imports were added since), into new records (what
 * was published stays as it was); returns where they start. */
size_t al_index_spec_update(al_index *idx, const al_summary *sum, size_t first);
/* A worker thread ends: what this thread kept for its next readset is freed. */
void al_readset_thread_done(void);
/* This thread's lookups, in any index, are recorded into rs from now on (NULL: stop). */
void al_index_record(al_readset *rs);
/* Once the rules are done: the readset in one block of the size it needs (its table is
 * mostly empty, and 100,000 small files keep theirs until the index is built). */
void al_readset_freeze(al_readset *rs);
/* Every lookup in rs gets the same answer from idx; else false with *why set (a static
 * string). */
bool al_readset_holds(const al_index *idx, const al_readset *rs, const char **why);
/* al_readset_holds for n readsets (NULL: holds) on `jobs` threads: why[i] NULL where it
 * holds, else the reason. */
void al_readsets_hold(const al_index *idx, al_readset *const *rs, size_t n, const char **why, unsigned jobs);
void al_readset_free(al_readset *rs);

/* The index record of a FUNC node (C: by its file and name), or NULL. */
const al_func_info *al_index_func(const al_index *idx, const ir_file *f, const ir_node *func);

/* The project function a call resolves to (same file, imported, self.method), or NULL. */
const al_func_info *al_index_resolve(const al_index *idx, const ir_file *f, const ir_node *call);
/* callee, whose blocking summary (block_*) the caller is about to read: recorded with its
 * whole digest when the rules' lookups are recorded (al_index_record). Every read of
 * block_* of a resolved function goes through it. */
const al_func_info *al_index_blocking(const al_func_info *callee);

/* Python: the protocol `call` (a constructor call `X()` of a project class) offers: 1 when
 * X has method `m` (or inherits it from a project base), 0 when X is a project class with
 * no bases that lacks it (found through `other`, a method it does have), -1 unknown. */
int al_index_class_method(const al_index *idx, const ir_file *f, const ir_node *call, const char *m,
                          const char *other);

/* The knowledge entry (in `section`) of a method a project class inherits from a base
 * outside the project: `Api.get` with `class Api(httpx.AsyncClient)` gives
 * httpx.AsyncClient.get's. NULL when none. */
const al_kb_entry *al_index_inherited_api(const al_index *idx, const ir_file *f, const ir_node *call,
                                          const char *section);
/* The knowledge entry (in `section`, keyed by class name: `sync_test_cases`) of a library
 * class that the project class cls of module derives from, through project classes in any
 * module (`class T(BaseTest)`, `from tests.base import BaseTest`, `class
 * BaseTest(unittest.TestCase)`); depth: 0. NULL when none, or when a class on the way
 * defines a method named in unless_defines (space separated; NULL: none). */
const al_kb_entry *al_index_library_base(const al_index *idx, const ir_file *f, const char *module, const char *cls,
                                         const char *section, const char *unless_defines, int depth);
/* Why calling `call` yields an awaitable: fills *fn with the project function when the
 * callee is one, or *api with the knowledge entry when it is a known API. Returns false
 * when the call is not known to yield an awaitable. */
bool al_index_call_awaitable(const al_index *idx, const ir_file *f, const ir_node *call,
                             const al_func_info **fn, const al_kb_entry **api);

/* The `blocking` knowledge entry a call matches once the entry's argument conditions
 * are applied (only_arg, unless_arg, unless_arg_at, fd_io on non-blocking fds); NULL when
 * it does not block. Does not look at the project index. */
const al_kb_entry *al_blocking_entry(const ir_file *f, const ir_node *call);
/* The `blocking` entry a synchronous `with X:` item names (entries with `with: true`; with
 * `with: submitted`, when the block submits work to X and awaits nothing), *item the
 * item (a per-thread buffer); NULL when none blocks. */
const al_kb_entry *al_blocking_with(const ir_file *f, const ir_node *with, const char **item);
/* The same for a method a project class inherits from a library class (`class
 * Http(requests.Session)`: `self.get(url)`, by al_index_inherited_api) or called on a
 * typed value another module has (`from net import session; session.get(url)`). */
const al_kb_entry *al_blocking_inherited(const ir_file *f, const al_index *idx, const ir_node *call);

/* `while (Date.now() < end) {}`: a while loop whose condition reads a clock (knowledge
 * `clocks`) and whose body neither awaits nor calls anything. */
bool al_loop_is_busy_wait(const ir_file *f, const ir_node *loop);

/* True when a FUNC node's own shape makes calling it yield an awaitable
 * (async def / async function / returns new Promise / C future return type). */
bool al_func_is_awaitable(const ir_file *f, const ir_node *func);

#endif
