/* driver: the two-pass pipeline over a small thread pool. Output order depends only on
 * the sorted file list, never on thread timing. */
#include "driver.h"
#include "baseline.h"
#include "cache.h"
#include "config.h"
#include "diffbase.h"

#include <malloc.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discover.h"
#include "frontend.h"
#include "pytest_ctx.h"

typedef struct pool_job {
  al_run *run;
  const al_options *opts;
  atomic_size_t next;
  void (*work)(struct pool_job *job, al_file *f);
  void *ctx; /* what the work function needs beyond the run and the options */
  /* Pass 1 from both ends: a file's tree and IR take some 25 times its size, and freed
   * memory stays with the thread's malloc arena. So one thread takes the files biggest
   * first and the others smallest first, until they meet: only the first thread's arena
   * grows to the biggest tree, not every thread's. */
  bool two_ends;
  pthread_mutex_t mu;
  size_t front, back;  /* under mu: the next biggest, one past the smallest left */
  al_vec later;        /* under mu: al_file* postponed (their rules wait for their big imports) */
  bool trim_big;       /* more than one worker: trim the heap after a big file */
} pool_job;

/* The biggest imported file a thread taking the small files analyses itself (bigger ones
 * wait for the first thread, or for pass 2 when they change what the importer sees). */
#define SMALL_END_IMPORT_CAP (256u << 10)

/* A file this big (its tree and IR some 12 MB and more) has the heap trimmed after it
 * when several workers run. */
#define TRIM_AFTER_BYTES (512u << 10)

static _Thread_local bool small_end;   /* this thread takes the smallest files first */
static _Thread_local bool pool_caller; /* this thread started the pool's others */

static uint64_t file_bytes(const al_file *f) { return f->st.size ? f->st.size : f->src.len; }

static void finish_postponed(pool_job *job, al_file *f);

/* The big imports of a postponed file are settled; once every file is handed out (met),
 * also those no thread took (this round does not lower them). A thread that took one is
 * analysing it (claims are analysed at once, and that never waits). */
static bool imports_settled(const al_file *f, bool met) {
  for (size_t i = 0; i < f->imports.len; i++) {
    al_file *g = f->imports.items[i];
    if (file_bytes(g) > SMALL_END_IMPORT_CAP && !atomic_load(&g->settled) && (!met || atomic_load(&g->claimed)))
      return false;
  }
  return true;
}

/* Under mu: a postponed file whose big imports are settled (any, with `any`), taken off
 * the list; NULL if none. */
static al_file *take_postponed(pool_job *job, bool any) {
  bool met = job->front >= job->back;
  for (size_t i = job->later.len; i-- > 0;) {
    al_file *g = job->later.items[i];
    if (any || imports_settled(g, met)) {
      job->later.items[i] = job->later.items[--job->later.len];
      return g;
    }
  }
  return NULL;
}

/* The next work of this thread: a postponed file whose imports are settled now (*ready),
 * else the next file from its end (SIZE_MAX: none left). */
static size_t two_ends_next(pool_job *job, al_file **ready) {
  size_t i = SIZE_MAX;
  pthread_mutex_lock(&job->mu);
  *ready = job->later.len ? take_postponed(job, false) : NULL;
  if (!*ready && job->front < job->back) i = job->run->order[small_end ? --job->back : job->front++];
  pthread_mutex_unlock(&job->mu);
  return i;
}

/* A postponed file whose big imports are settled, once the ends met (NULL: none left).
 * None ready yet: wait for the threads analysing them (bounded; then any). */
static al_file *later_next(pool_job *job) {
  for (int waited = 0;; waited++) {
    pthread_mutex_lock(&job->mu);
    al_file *f = take_postponed(job, waited >= 10000);
    bool empty = !job->later.len;
    pthread_mutex_unlock(&job->mu);
    if (f || empty) return f;
    nanosleep(&(struct timespec){0, 200000}, NULL); /* 0.2 ms; 10,000 of them at most */
  }
}

static void *pool_thread(void *arg) {
  pool_job *job = arg;
  al_arena_recycling(true);
  small_end = job->two_ends && !pool_caller; /* the calling thread takes the big end */
  for (;;) {
    size_t i;
    if (job->two_ends) {
      al_file *ready;
      if ((i = two_ends_next(job, &ready)) == SIZE_MAX && !ready && !(ready = later_next(job))) break;
      if (ready) {
        finish_postponed(job, ready);
        continue;
      }
    } else {
      if ((i = atomic_fetch_add(&job->next, 1)) >= job->run->nfiles) break;
      if (job->run->order) i = job->run->order[i];
    }
    job->work(job, &job->run->files[i]);
  }
  small_end = false;
  al_arena_recycling(false);
  al_readset_thread_done();
  return NULL;
}

static int effective_jobs(const al_options *opts, size_t nfiles) {
  long n = opts->jobs > 0 ? opts->jobs : sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  if (n > 256) n = 256;
  if ((size_t)n > nfiles) n = nfiles ? (long)nfiles : 1;
  return (int)n;
}

static void pool_start(pool_job *job) {
  int n = effective_jobs(job->opts, job->run->nfiles);
  if (n == 1) {
    pool_caller = true;
    pool_thread(job);
    pool_caller = false;
    return;
  }
  /* The calling thread is a worker too, the one taking the biggest files: the pages of
   * their freed trees stay in its malloc arena, which is the one the index and the
   * report allocate from next. With n new threads and this one waiting, the index build
   * found its arena empty and took fresh pages (JS corpus: its records 7.6 ms at -j1,
   * 25-31 ms at -j2). */
  pthread_t *tids = al_calloc((size_t)n, sizeof *tids);
  int started = 0;
  for (int i = 1; i < n; i++) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 8u << 20); /* libclang wants a normal-sized stack */
    if (pthread_create(&tids[started], &attr, pool_thread, job) == 0) started++;
    pthread_attr_destroy(&attr);
  }
  pool_caller = true;
  pool_thread(job);
  pool_caller = false;
  for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
  free(tids);
}

static void pool_run_ctx(al_run *run, const al_options *opts, void (*work)(pool_job *, al_file *), void *ctx) {
  pool_job job = {.run = run, .opts = opts, .work = work, .ctx = ctx};
  atomic_init(&job.next, 0);
  pool_start(&job);
}

static void pool_run(al_run *run, const al_options *opts, void (*work)(pool_job *, al_file *)) {
  pool_run_ctx(run, opts, work, NULL);
}

/* Pass 1's pool: from both ends of run->order (biggest first). */
static void pool_run_two_ends(al_run *run, const al_options *opts, void (*work)(pool_job *, al_file *)) {
  if (!run->order) {
    pool_run(run, opts, work);
    return;
  }
  pool_job job = {.run = run, .opts = opts, .work = work, .two_ends = true, .back = run->nfiles,
                  .trim_big = effective_jobs(opts, run->nfiles) > 1};
  atomic_init(&job.next, 0);
  pthread_mutex_init(&job.mu, NULL);
  pool_start(&job);
  pthread_mutex_destroy(&job.mu);
  al_vec_free(&job.later);
}

static uint64_t content_hash(const al_source *s) {
  return al_hash_fast(s->text, s->len) ^ (uint64_t)s->len * 0x9e3779b97f4a7c15ull;
}

/* Pass 0: read the file, note bad UTF-8, hash the content, compute the module id. */
static void pass_load(pool_job *job, al_file *f) {
  (void)job;
  if (f->loaded || f->error) return;
  char *err = NULL;
  if (al_source_load(&f->src, f->path, f->lang, &err) < 0) {
    f->error = err;
    return;
  }
  f->loaded = true;
  if (f->src.bad_utf8 && !al_source_declares_encoding(&f->src)) {
    long at = al_utf8_invalid_at(f->src.text, f->src.len);
    f->warning = al_fmt("invalid UTF-8 at line %u; linted as bytes", al_source_line_of(&f->src, (uint32_t)at));
  }
  f->content_hash = content_hash(&f->src);
  if (!f->module) f->module = al_module_id(f->abs, f->lang);
}

/* Warm runs: files whose hash the stat table gave are not read (yet). */
static void pass_load_unknown(pool_job *job, al_file *f) {
  if (!f->known) pass_load(job, f);
}

/* Warm runs: a file whose findings come from the cache is read after all when it has
 * findings: the output shows their lines. */
static void pass_load_reported(pool_job *job, al_file *f) {
  if (f->cached && f->findings.len) pass_load(job, f);
}

/* Its content hash is known: read, or given by the stat table. */
static bool hashed(const al_file *f) { return f->loaded || f->known; }

static int cmp_finding(const void *a, const void *b) {
  const al_finding *x = *(al_finding *const *)a, *y = *(al_finding *const *)b;
  if (x->span.line != y->span.line) return x->span.line < y->span.line ? -1 : 1;
  if (x->span.col != y->span.col) return x->span.col < y->span.col ? -1 : 1;
  return strcmp(x->code, y->code);
}

/* The rules of the file's language that its configuration enables, on idx. */
static void run_rules(pool_job *job, al_file *f, const al_index *idx) {
  const al_options *o = job->opts;
  const al_config *cfg = o->file_configs && f->abs ? al_map_get(o->file_configs, f->abs) : NULL;
  f->ir->py_runtime = al_config_py_runtime(cfg);
  f->ir->pytest = f->pytest;
  if (al_is_declaration_path(f->path)) return; /* types only: nothing in it runs */
  for (size_t i = 0; i < al_rule_count; i++) {
    const al_rule *r = al_rules[i];
    if (!(r->langs & (1u << f->lang))) continue;
    if (cfg ? !al_config_rule_enabled(cfg, &o->select, &o->extend_select, &o->ignore, f->abs, r)
            : !al_rule_enabled(o, r))
      continue;
    al_sink sink = {.file = f->ir, .rule = r, .out = &f->findings};
    r->check(f->ir, idx, &sink);
  }
  for (size_t k = 0; cfg && k < f->findings.len; k++) {
    al_finding *fd = f->findings.items[k];
    fd->severity = al_config_severity(cfg, fd->code, fd->severity);
  }
  if (f->findings.len > 1) qsort(f->findings.items, f->findings.len, sizeof *f->findings.items, cmp_finding);
}

static void imported_files(const al_map *mods, const al_file *f, al_vec *out, bool *open);

/* Python and JavaScript files are streamed: lowered, summarized into the speculative
 * index, checked against it, and their IR freed at once (its memory, still in the
 * cache, serves the next file). C files keep their IR: the index marks loop contexts on
 * it, and their rules run in pass 2. */
static bool streamed(const al_run *run, const al_file *f) { return f->lang != AL_LANG_C && !run->keep_ir; }

static ir_file *lower(al_run *run, al_file *f) {
  char *err = NULL;
  al_lower_ctx ctx = {.abs_path = f->abs, .module = f->module};
  al_pool_use(streamed(run, f) ? NULL : run->pool);
  ir_file *ir = al_lower(&f->src, &ctx, &err);
  al_pool_use(NULL);
  if (!ir) f->error = err;
  return ir;
}

/* How deep pass 1 goes into imports before a file's rules (each level keeps an IR). */
#define MAX_IMPORT_DEPTH 48

/* The next file of this thread's end is less than half of f's size, or none is left. */
static bool next_much_smaller(pool_job *job, const al_file *f) {
  uint64_t next = 0;
  pthread_mutex_lock(&job->mu);
  if (job->front < job->back)
    next = file_bytes(&job->run->files[job->run->order[small_end ? job->back - 1 : job->front]]);
  pthread_mutex_unlock(&job->mu);
  return 2 * next < file_bytes(f);
}

static void run_rules_streamed(pool_job *job, al_file *f);

static void analyse_claimed(pool_job *job, al_file *f, int depth);

/* Pass 1 on a claimed file: lower, summarize, and for a streamed file, analyse first
 * the files it imports that no thread has taken yet (so that the speculative index
 * knows them when its rules run: fewer files checked again), then its rules (or
 * postpone them); then it is settled. */
static void analyse(pool_job *job, al_file *f, int depth) {
  analyse_claimed(job, f, depth);
  atomic_store(&f->settled, true);
}

static void analyse_claimed(pool_job *job, al_file *f, int depth) {
  pass_load(job, f);
  if (!f->loaded) return;
  al_run *run = job->run;
  if (!(f->ir = lower(run, f))) return;
  f->lowered = true;
  /* The summary IR lives as long as the run, in malloc'd arena blocks (not the pool's
   * mappings): they fill the holes a big file's freed tree left in this thread's heap
   * (JS peak RSS -j1 68 -> 54 MB, -j2 91 -> 81 MB). */
  al_summary_store_use(&run->store);
  al_index_summarize(f->ir, run->mods); /* while its IR is still in the cache */
  al_summary_store_use(NULL);
  f->summary = f->ir->summary;
  f->ir->summary = NULL;
  if (run->mods) {
    al_vec imp = {0};
    imported_files(run->mods, f, &imp, &f->imports_open);
    for (size_t i = 0; i < imp.len; i++) {
      bool dup = false;
      for (size_t k = 0; k < f->imports.len && !dup; k++) dup = f->imports.items[k] == imp.items[i];
      if (!dup) al_vec_push(&f->imports, imp.items[i]);
    }
    al_vec_free(&imp);
  }
  if (!streamed(run, f)) return;
  size_t first = al_index_spec_add(&run->spec, f->summary);
  atomic_store(&f->in_spec, true);
  bool more = false, big_missing = false;
  for (size_t i = 0; depth < MAX_IMPORT_DEPTH && i < f->imports.len; i++) {
    al_file *g = f->imports.items[i];
    /* (a warm run lowers what misses import anyway, in rounds: this is earlier; the
     * rounds then find it lowered). The claim alone decides: a file is claimed once. */
    if (small_end && file_bytes(g) > SMALL_END_IMPORT_CAP) {
      big_missing |= !atomic_load(&g->in_spec);
      continue;
    }
    if (atomic_exchange(&g->claimed, 1) == 0) {
      analyse(job, g, depth + 1);
      more = true;
    }
  }
  if (more) al_index_spec_update(&run->spec, f->summary, first);
  /* A big import the other end has not summarized yet: the rules would look it up in
   * vain and the file be checked again after pass 1, alone (webpack's
   * JavascriptParser.js, which a small file imports, waited for its syntax-parser.js, the
   * big end's third file). Its rules run once those imports are settled (a thread
   * takes it then, before its next file), or when the ends meet. */
  if (big_missing && job->two_ends && f->in_shard && !f->cached) {
    ir_file_free(f->ir);
    f->ir = NULL;
    f->postponed = true;
    pthread_mutex_lock(&job->mu);
    al_vec_push(&job->later, f);
    pthread_mutex_unlock(&job->mu);
    return;
  }
  run_rules_streamed(job, f);
}

/* The rules of a streamed file on the speculative index, what they look up recorded;
 * then its IR goes, and its text unless it has findings. */
static void run_rules_streamed(pool_job *job, al_file *f) {
  al_run *run = job->run;
  if (f->in_shard && !f->cached) {
    f->readset = al_readset_new();
    al_index_record(f->readset);
    run_rules(job, f, &run->spec);
    al_index_record(NULL);
    al_readset_freeze(f->readset);
  }
  ir_file_free(f->ir);
  f->ir = NULL;
  /* A big file's tree and IR (some 25 times its size) are free pages in this thread's
   * malloc arena now, which the other threads' allocations cannot reuse: give them back
   * at once rather than after pass 1 (JS corpus -j2 peak RSS 68.8-69.7 -> 65.8-67.4 MB;
   * a few big files, a few ms). With one worker what follows reuses them. Only when the
   * next file of this end is less than half as big: one of about the same size reuses
   * the pages, which a trim made it fault in again (JS corpus -j2: a trim after each of
   * its four files over 512 KB, 33.5k page faults; after the first only, 25.6k, the
   * same peak RSS, 60 ms less wall). */
  if (job->trim_big && file_bytes(f) > TRIM_AFTER_BYTES && next_much_smaller(job, f)) malloc_trim(0);
  if (!f->findings.len) { /* nothing to show: the text goes too (read again for a recheck) */
    free(f->src.text);
    free(f->src.line_starts);
    f->src.text = NULL;
    f->src.line_starts = NULL;
    f->text_dropped = true;
  }
}

/* A file whose text was dropped, read again; false (with the reason in f->error) when
 * it is gone or no longer what was analysed. */
static bool read_again(al_file *f) {
  if (!f->text_dropped) return true;
  al_source s;
  char *err = NULL;
  if (al_source_load(&s, f->path, f->lang, &err) < 0) {
    f->error = err;
    return false;
  }
  if (content_hash(&s) != f->content_hash) {
    al_source_free(&s);
    f->error = al_fmt("changed while it was being linted; run again");
    return false;
  }
  /* The path stays the same string: rules running on other threads in pass 2 name this
   * file through its index records (`defined at <path>:<line>`) while it is read again.
   * Replacing the whole struct freed the path under them (a finding in CI's ASan stage
   * said "defined at :4"). Only the text and what derives from it change. */
  free(s.path);
  free(f->src.text);
  free(f->src.line_starts);
  f->src.text = s.text;
  f->src.len = s.len;
  f->src.line_starts = s.line_starts;
  f->src.nlines = s.nlines;
  f->src.size = s.size;
  f->src.mtime_ns = s.mtime_ns;
  f->src.bad_utf8 = s.bad_utf8;
  f->src.has_markers = s.has_markers;
  f->text_dropped = false;
  return true;
}

/* A postponed file: lowered again for its rules (its summary is the index's already). */
static void finish_postponed(pool_job *job, al_file *f) {
  if ((f->ir = lower(job->run, f))) run_rules_streamed(job, f);
}

/* Pass 1: the files marked `lower`. */
static void pass1(pool_job *job, al_file *f) {
  if (f->lower && atomic_exchange(&f->claimed, 1) == 0) analyse(job, f, 0);
}

/* Module ids, from the paths. */
static void pass_module(pool_job *job, al_file *f) {
  (void)job;
  if (!f->error && !f->module) f->module = al_module_id(f->abs, f->lang);
}

/* Pass 2, on the real index: C files; streamed files whose lookups it answers
 * differently, lowered again. */
static void pass2(pool_job *job, al_file *f) {
  if (!f->lowered || !f->in_shard || f->cached) return;
  if (f->ir) {
    run_rules(job, f, &job->run->index);
    return;
  }
  if (!f->recheck || !read_again(f) || !(f->ir = lower(job->run, f))) return;
  run_rules(job, f, &job->run->index);
  ir_file_free(f->ir);
  f->ir = NULL;
}

static bool code_matches(const char *prefix, const char *code) {
  return !strcmp(prefix, "ALL") || al_starts_with(code, prefix);
}

bool al_rule_enabled(const al_options *opts, const al_rule *r) {
  bool on = opts->select.len == 0 && !r->opt_in;
  for (size_t i = 0; i < opts->select.len && !on; i++) on = code_matches(opts->select.items[i], r->code);
  for (size_t i = 0; i < opts->extend_select.len && !on; i++) on = code_matches(opts->extend_select.items[i], r->code);
  for (size_t i = 0; i < opts->ignore.len && on; i++)
    if (code_matches(opts->ignore.items[i], r->code)) on = false;
  return on;
}

const char *al_options_bad_code(const al_options *opts) {
  const al_vec *lists[3] = {&opts->select, &opts->ignore, &opts->extend_select};
  for (int l = 0; l < 3; l++)
    for (size_t i = 0; i < lists[l]->len; i++) {
      const char *c = lists[l]->items[i];
      bool any = false;
      for (size_t k = 0; k < al_rule_count && !any; k++) any = code_matches(c, al_rules[k]->code);
      /* A well-formed code of a family we have (AL1..AL5) is accepted even before
       * its rule lands, so configs written for later versions keep working. */
      if (!any && !(strlen(c) >= 3 && al_starts_with(c, "AL") && c[2] >= '1' && c[2] <= '5')) return c;
    }
  return NULL;
}

static void parse_one(pool_job *job, al_file *f) {
  (void)job;
  char *err = NULL;
  if (al_source_load(&f->src, f->path, f->lang, &err) < 0) {
    f->error = err;
    return;
  }
  f->loaded = true;
  if (!al_parse_only(&f->src)) f->error = al_fmt("not parsed (C, or the parser failed)");
}

int al_parse_files(const al_options *opts, const char *const *paths, int npaths, FILE *out, FILE *err) {
  al_discovery d;
  al_discover(paths, npaths, &d);
  for (size_t i = 0; i < d.errors.len; i++) fprintf(err, "asynclint: %s\n", (char *)d.errors.items[i]);
  al_run run;
  memset(&run, 0, sizeof run);
  run.nfiles = d.files.len;
  run.files = al_calloc(run.nfiles ? run.nfiles : 1, sizeof *run.files);
  for (size_t i = 0; i < run.nfiles; i++) {
    run.files[i].path = al_strdup(d.files.items[i]);
    run.files[i].lang = al_lang_from_path(run.files[i].path);
  }
  pool_run(&run, opts, parse_one);
  size_t parsed = 0, bytes = 0;
  for (size_t i = 0; i < run.nfiles; i++) {
    if (!run.files[i].error) parsed++, bytes += run.files[i].src.len;
    else run.nerrors++;
  }
  fprintf(out, "parsed %zu files (%zu bytes), %zu not parsed\n", parsed, bytes, run.nerrors);
  al_run_free(&run);
  int rc = d.missing ? 2 : 0;
  al_discovery_free(&d);
  return rc;
}

/* ---- warm runs: which files a file's findings depend on ---- */

/* The files f imports inside the run (module ids through `mods`), from its IR; *open set
 * when an import names no file of the run. */
static void imported_files(const al_map *mods, const al_file *f, al_vec *out, bool *open) {
  for (const ir_node *x = f->ir->root; x; x = ir_next(x, f->ir->root)) {
    if (x->kind == IR_CALL && x->module && x->member && f->lang == AL_LANG_PYTHON) {
      /* `import pkg` then pkg.sub.f(): pkg.sub is reached without being imported */
      al_buf b = {0};
      al_buf_puts(&b, x->module);
      al_buf_puts(&b, ".");
      for (const char *m = x->member; *m; m++) {
        if (*m == '.') {
          al_file *h = al_map_get(mods, b.data);
          if (h && h != f) al_vec_push(out, h);
        }
        al_buf_add(&b, m, 1);
      }
      al_buf_free(&b);
      continue;
    }
    if (x->kind != IR_IMPORT || !x->name) continue;
    al_file *g = al_map_get(mods, x->name);
    if (x->member) { /* from pkg import sub / import {x} from './dir' (index) */
      char *sub = al_fmt(f->lang == AL_LANG_JS ? "%s/index" : "%s.%s", x->name, x->member);
      al_file *h = al_map_get(mods, sub);
      free(sub);
      if (h && h != f) al_vec_push(out, h);
    }
    if (g && g != f) al_vec_push(out, g);
    else if (!g && open) *open = true;
  }
}

/* The files f's findings depend on directly, into deps (without f, no repeats): what it
 * imports inside the run; for C, every C file (contexts cross files freely). */
static void direct_deps(al_run *run, al_file *f, al_vec *deps, bool *open) {
  deps->len = 0;
  if (f->lang == AL_LANG_C) {
    for (size_t i = 0; i < run->nfiles; i++)
      if (run->files[i].lang == AL_LANG_C && hashed(&run->files[i]) && &run->files[i] != f)
        al_vec_push(deps, &run->files[i]);
    return;
  }
  for (size_t i = 0; i < f->imports.len; i++) al_vec_push(deps, f->imports.items[i]);
  *open = f->imports_open;
}

/* Warm runs: every loaded file's entry is read (in parallel); an entry is usable when it
 * is fresh and so are, recursively, the entries of the files it depends on. */
typedef struct warm_ctx {
  al_cache *cache;
  const uint64_t *keys;
  const al_map *by_abs;
  uint64_t manifest;
  al_cache_entry **entries;
} warm_ctx;

static void pass_read_entry(pool_job *job, al_file *f) {
  warm_ctx *w = job->ctx;
  size_t i = (size_t)(f - job->run->files);
  if (hashed(f)) w->entries[i] = al_cache_read(w->cache, f, w->keys[i], w->by_abs, w->manifest);
}

/* usable[i]: entry i exists, is fresh, and every file it depends on is usable (a
 * worklist over reverse edges: what is not usable makes its dependants not usable). */
static bool *usable_entries(al_run *run, al_cache_entry **entries) {
  size_t n = run->nfiles;
  bool *ok = al_calloc(n ? n : 1, sizeof *ok);
  al_vec *rev = al_calloc(n ? n : 1, sizeof *rev);
  al_vec work = {0};
  for (size_t i = 0; i < n; i++) {
    ok[i] = entries[i] && entries[i]->fresh;
    if (!ok[i]) al_vec_push(&work, (void *)i);
    for (size_t k = 0; entries[i] && k < entries[i]->deps.len; k++) {
      size_t g = (size_t)((al_file *)entries[i]->deps.items[k] - run->files);
      al_vec_push(&rev[g], (void *)i);
    }
  }
  while (work.len) {
    size_t g = (size_t)work.items[--work.len];
    for (size_t k = 0; k < rev[g].len; k++) {
      size_t i = (size_t)rev[g].items[k];
      if (ok[i]) {
        ok[i] = false;
        al_vec_push(&work, (void *)i);
      }
    }
  }
  for (size_t i = 0; i < n; i++) al_vec_free(&rev[i]);
  free(rev);
  al_vec_free(&work);
  return ok;
}

/* Biggest files first: the threads finish together instead of one thread parsing the
 * largest file alone at the end (the sorted list often puts big generated files last). */
typedef struct sized {
  uint64_t size;
  size_t index;
} sized;

static int cmp_bigger(const void *a, const void *b) {
  const sized *x = a, *y = b;
  if (x->size != y->size) return x->size > y->size ? -1 : 1;
  return x->index < y->index ? -1 : 1;
}

static void order_biggest_first(al_run *run) {
  sized *s = al_calloc(run->nfiles ? run->nfiles : 1, sizeof *s);
  for (size_t i = 0; i < run->nfiles; i++) s[i] = (sized){run->files[i].st.size, i};
  if (run->nfiles > 1) qsort(s, run->nfiles, sizeof *s, cmp_bigger);
  run->order = al_calloc(run->nfiles ? run->nfiles : 1, sizeof *run->order);
  for (size_t i = 0; i < run->nfiles; i++) run->order[i] = s[i].index;
  free(s);
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void al_run_files(al_run *run, const al_options *opts, char **paths, size_t n) {
  memset(run, 0, sizeof *run);
  run->files = al_calloc(n ? n : 1, sizeof *run->files);
  run->nfiles = n;
  run->pool = al_pool_new();
  al_index_spec_init(&run->spec);
  al_summary_store_init(&run->store);
  const char *ks = getenv("ASYNCLINT_NO_STREAM");
  run->keep_ir = ks && *ks && strcmp(ks, "0") != 0;
  al_cache *cache = al_cache_open(opts);
  struct timespec began;
  clock_gettime(CLOCK_REALTIME, &began); /* before any stat: the stat table's racy line */
  al_map pytest_dirs = {0};
  for (size_t i = 0; i < n; i++) {
    al_file *f = &run->files[i];
    f->path = al_strdup(paths[i]);
    char *abs = opts->realpaths ? al_realpath_memo(opts->realpaths, paths[i]) : realpath(paths[i], NULL);
    if (!abs && paths[i][0] != '/') { /* not on disk (stdin's new file): absolute all the same */
      char *cwd = getcwd(NULL, 0);
      if (cwd) abs = al_fmt("%s/%s", cwd, paths[i]);
      free(cwd);
    }
    f->abs = abs ? abs : al_strdup(paths[i]);
    f->lang = al_lang_from_path(paths[i]);
    if (f->lang == AL_LANG_NONE) f->error = al_fmt("skipped: not a Python, JavaScript or C file");
    if (f->lang == AL_LANG_PYTHON) f->pytest = al_pytest_context(&pytest_dirs, f->abs);
    /* --shard K/N: every shard lowers every file (the index sees the whole project);
     * rules run, and findings are reported, on the files i with i % N == K - 1 */
    f->in_shard = opts->shard_n <= 1 || i % (size_t)opts->shard_n == (size_t)(opts->shard_k - 1);
    if (opts->index_only && al_map_get(opts->index_only, paths[i])) f->in_shard = false, f->index_only = true;
    run->nchecked += f->in_shard && f->lang != AL_LANG_NONE;
    f->lower = !cache;
    struct stat st;
    if (stat(paths[i], &st) == 0 && S_ISREG(st.st_mode))
      f->st = (al_file_stat){true, (uint64_t)st.st_dev, (uint64_t)st.st_ino, (uint64_t)st.st_size,
                             (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
                             (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec};
  }
  al_map_free(&pytest_dirs);
  order_biggest_first(run); /* also at -j1: the largest tree is parsed while little else is held */
  al_index_spec_single(&run->spec, effective_jobs(opts, n) == 1);
  double t0 = now_ms();
  size_t hits = 0;
  al_map by_abs = {0}, mods = {0};
  uint64_t manifest = 0, cfg = 0;
  uint64_t *keys = NULL;
  if (cache) {
    al_stat_table *tbl = al_stat_table_read(cache);
    for (size_t i = 0; i < n; i++) {
      al_file *f = &run->files[i];
      uint64_t h;
      if (f->error || !al_stat_table_lookup(tbl, f->abs, &f->st, &h)) continue;
      f->known = true;
      f->content_hash = h;
      f->src.len = (size_t)f->st.size;
      f->module = al_module_id(f->abs, f->lang);
    }
    al_stat_table_free(tbl);
    pool_run(run, opts, pass_load_unknown);
    al_vec sorted = {0};
    for (size_t i = 0; i < n; i++) {
      al_file *f = &run->files[i];
      if (!hashed(f)) continue;
      al_map_put(&by_abs, f->abs, f);
      if (f->module) al_map_put(&mods, f->module, f);
      al_vec_push(&sorted, f->abs);
    }
    if (sorted.len > 1) qsort(sorted.items, sorted.len, sizeof *sorted.items, cmp_str);
    for (size_t i = 0; i < sorted.len; i++) manifest = al_hash_fast(sorted.items[i], strlen(sorted.items[i])) ^ (manifest * 31);
    al_vec_free(&sorted);
    cfg = al_config_set_hash(opts->file_configs);
    run->mods = &mods;
    keys = al_calloc(n ? n : 1, sizeof *keys);
    /* files that must be analysed: a miss (in this shard); then what they import, lowered
     * too so the index is right for them */
    al_vec work = {0};
    for (size_t i = 0; i < n; i++)
      if (hashed(&run->files[i])) keys[i] = al_cache_key(cache, &run->files[i], cfg);
    al_cache_entry **entries = al_calloc(n ? n : 1, sizeof *entries);
    warm_ctx wc = {cache, keys, &by_abs, manifest, entries};
    pool_run_ctx(run, opts, pass_read_entry, &wc);
    bool *usable = usable_entries(run, entries);
    for (size_t i = 0; i < n; i++) {
      al_file *f = &run->files[i];
      if (!hashed(f)) continue;
      if (f->in_shard && usable[i]) {
        f->findings = entries[i]->findings;
        entries[i]->findings = (al_vec){0};
        f->cached = true;
        hits++;
      } else if (f->in_shard) {
        f->lower = true;
        if (f->lang == AL_LANG_C) /* C contexts cross files freely: every C file */
          for (size_t k = 0; k < n; k++)
            if (run->files[k].lang == AL_LANG_C) run->files[k].lower = true;
      }
    }
    for (size_t i = 0; i < n; i++) al_cache_entry_free(entries[i]);
    free(entries);
    free(usable);
    /* hits with findings are read for their lines; one that no longer has the hash the
     * stat table promised changed under us: nothing from the cache is trusted then */
    uint64_t *expect = al_calloc(n ? n : 1, sizeof *expect);
    for (size_t i = 0; i < n; i++) expect[i] = run->files[i].content_hash;
    pool_run(run, opts, pass_load_reported);
    bool stale = false;
    for (size_t i = 0; i < n; i++) {
      const al_file *f = &run->files[i];
      stale |= f->known && (f->error || (f->loaded && f->content_hash != expect[i]));
    }
    free(expect);
    if (stale) {
      for (size_t i = 0; i < n; i++) {
        al_file *f = &run->files[i];
        for (size_t k = 0; f->cached && k < f->findings.len; k++) al_finding_free(f->findings.items[k]);
        if (f->cached) al_vec_free(&f->findings);
        f->cached = false;
        f->lower = true;
      }
      hits = 0;
    }
    /* lower in rounds: each round's imports are lowered in the next (only files lowered
     * in the round just done are scanned) */
    bool *scanned = al_calloc(n ? n : 1, sizeof *scanned);
    for (;;) {
      pool_run_two_ends(run, opts, pass1);
      work.len = 0;
      for (size_t i = 0; i < n; i++) {
        al_file *f = &run->files[i];
        if (!f->lowered || scanned[i]) continue;
        scanned[i] = true;
        for (size_t k = 0; k < f->imports.len; k++) {
          al_file *g = f->imports.items[k];
          if (!g->lower) {
            g->lower = true;
            al_vec_push(&work, g);
          }
        }
      }
      if (!work.len) break;
    }
    free(scanned);
    al_vec_free(&work);
  } else {
    pool_run(run, opts, pass_module);
    for (size_t i = 0; i < n; i++)
      if (run->files[i].module) al_map_put(&mods, run->files[i].module, &run->files[i]);
    run->mods = &mods;
    pool_run_two_ends(run, opts, pass1);
  }
  double t1 = now_ms();
  /* pass 1's rules are done: the speculative index goes before the real one is built
   * (both at once were the peak of a big run) */
  al_index_free(&run->spec);
  /* No trim here: the biggest trees were parsed by this thread (the big end of pass 1),
   * so their freed pages are in the arena that the real index and the report allocate
   * from next. (When pass 1 ran on new threads only, a trim here returned those pages —
   * JS -j2 peak RSS 68-76 -> 63-71 MB — but cost 11-15 ms, and the index build then
   * took fresh pages: its records 7 ms at -j1, 21-31 ms at -j2.) */
  al_summary **sums = al_calloc(n ? n : 1, sizeof *sums);
  for (size_t i = 0; i < n; i++) {
    sums[i] = run->files[i].summary;
    run->files[i].summary = NULL;
  }
  al_index_build_from(&run->index, sums, n, (unsigned)effective_jobs(opts, n));
  free(sums);
  /* speculative findings hold where the real index answers every lookup the same */
  al_readset **sets = al_malloc((n ? n : 1) * sizeof *sets);
  const char **whys = al_malloc((n ? n : 1) * sizeof *whys);
  for (size_t i = 0; i < n; i++) sets[i] = run->files[i].readset;
  al_readsets_hold(&run->index, sets, n, whys, (unsigned)effective_jobs(opts, n));
  free(sets);
  for (size_t i = 0; i < n; i++) {
    al_file *f = &run->files[i];
    if (!f->readset) continue;
    const char *why = whys[i];
    if (why) {
      if (getenv("ASYNCLINT_DEBUG_SPEC")) fprintf(stderr, "asynclint: speculation: %s is checked again: %s\n", f->path, why);
      for (size_t k = 0; k < f->findings.len; k++) al_finding_free(f->findings.items[k]);
      f->findings.len = 0;
      f->recheck = true;
      run->rechecked++;
    }
    al_readset_free(f->readset);
    f->readset = NULL;
  }
  free(whys);
  double t2 = now_ms();
  pool_run(run, opts, pass2);
  double t3 = now_ms();
  if (cache) {
    al_vec deps = {0};
    for (size_t i = 0; i < n; i++) {
      al_file *f = &run->files[i];
      /* an import followed has an entry of its own kind (no findings: its rules never
       * ran), so that the files depending on it can be usable next time */
      if (!f->lowered || f->cached || (!f->in_shard && !f->index_only) || f->error) continue;
      bool open = false;
      direct_deps(run, f, &deps, &open);
      keys[i] = al_cache_key(cache, f, cfg); /* from the content read, not the stat table */
      al_cache_store(cache, f, keys[i], &deps, open, manifest);
    }
    al_vec_free(&deps);
    al_stat_table_write(cache, run, (int64_t)began.tv_sec * 1000000000 + began.tv_nsec);
  }
  free(keys);
  al_map_free(&by_abs);
  al_map_free(&mods);
  al_cache_close(cache);
  run->cache_hits = hits;
  for (size_t i = 0; i < n; i++) {
    run->nfindings += run->files[i].findings.len;
    if (run->files[i].error && run->files[i].in_shard) run->nerrors++;
    if (run->files[i].error && run->files[i].in_shard && run->files[i].lang != AL_LANG_NONE) run->nunread++;
  }
  if (opts->stats) {
    size_t bytes = 0, ir = 0, src = 0, nread = 0, postponed = 0;
    for (size_t i = 0; i < n; i++) {
      const al_file *f = &run->files[i];
      nread += f->loaded;
      postponed += f->postponed;
      if (f->loaded) bytes += f->src.len;
      if (f->src.text) src += f->src.len + f->src.nlines * sizeof(uint32_t);
      if (f->ir) ir += al_arena_bytes(&f->ir->arena) + sizeof *f->ir;
    }
    size_t copies = al_summary_store_bytes(&run->store) + run->index.copies.len * sizeof(ir_file);
    const al_index *x = &run->index;
    size_t idx = x->infos.len * (sizeof(al_func_info) + sizeof(void *)) + al_map_bytes(&x->funcs) +
                 al_map_bytes(&x->modules) + al_map_bytes(&x->promisified);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(stderr,
            "asynclint: stats: %zu files, %.1f MB; pass 1 (load, parse, lower, streamed rules) %.0f ms, index %.0f ms, "
            "pass 2 (C rules, rechecks) %.0f ms; sources %.1f MB, IR kept %.1f MB, summary IR %.1f MB, index %.2f MB "
            "(%zu functions); postponed %zu; checked again %zu; cache hits %zu; files read %zu; peak RSS %.0f MB\n",
            n, (double)bytes / 1e6, t1 - t0, t2 - t1, t3 - t2, (double)src / 1e6, (double)ir / 1e6,
            (double)copies / 1e6, (double)idx / 1e6, x->infos.len, postponed, run->rechecked, run->cache_hits, nread,
            (double)ru.ru_maxrss / 1024);
  }
}

void al_run_free(al_run *run) {
  al_index_free(&run->index);
  al_summary_store_free(&run->store);
  for (size_t i = 0; i < run->nfiles; i++) {
    al_file *f = &run->files[i];
    for (size_t k = 0; k < f->findings.len; k++) al_finding_free(f->findings.items[k]);
    al_vec_free(&f->findings);
    ir_file_free(f->ir);
    al_summary_free(f->summary);
    al_readset_free(f->readset);
    al_vec_free(&f->imports);
    if (f->loaded) al_source_free(&f->src);
    free(f->module);
    free(f->path);
    free(f->abs);
    free(f->error);
    free(f->warning);
  }
  free(run->files);
  free(run->order);
  al_pool_free(run->pool);
  memset(run, 0, sizeof *run);
}

static bool fix_allowed(const al_options *opts, const al_finding *fd) {
  return fd->fix && (fd->fix->safety == AL_FIX_APPLY_SAFE || opts->unsafe_fixes);
}

/* Applies (or, with --diff, prints) the allowed fixes of every file.
 * Returns the number of fixes applied; *failed counts files that could not be written. */
static size_t apply_fixes(al_run *run, const al_options *opts, FILE *out, FILE *err, size_t *failed) {
  size_t total = 0;
  *failed = 0;
  for (size_t i = 0; i < run->nfiles; i++) {
    al_file *f = &run->files[i];
    al_vec fixes = {0};
    for (size_t k = 0; k < f->findings.len; k++) {
      al_finding *fd = f->findings.items[k];
      if (fix_allowed(opts, fd)) al_vec_push(&fixes, fd->fix);
    }
    if (!fixes.len) continue;
    size_t applied = 0, len = 0;
    char *text = al_fix_apply(&f->src, (al_fix *const *)fixes.items, fixes.len, &applied, &len);
    al_vec_free(&fixes);
    if (applied && opts->diff) {
      al_fix_diff(&f->src, text, len, out);
      total += applied;
    } else if (applied && al_source_overlay(f->path, NULL)) {
      /* stdin: the fixed text goes to out, and stands in for the file from now on */
      fwrite(text, 1, len, out);
      al_source_set_overlay(f->path, text, len);
      total += applied;
    } else if (applied) {
      char *why = NULL;
      if (al_fix_write(&f->src, text, len, &why) < 0) {
        fprintf(err, "asynclint: %s: %s\n", f->path, why);
        free(why);
        (*failed)++;
      } else {
        total += applied;
      }
    }
    free(text);
  }
  return total;
}

static int filter_findings(al_run *run, const al_options *opts, FILE *err) {
  char *berr = NULL;
  size_t accepted = 0;
  if (opts->diff_base) {
    size_t dropped = 0;
    if (al_diffbase_apply(run, opts->diff_base, &dropped, &berr) < 0) {
      fprintf(err, "asynclint: %s\n", berr);
      free(berr);
      return -1;
    }
  }
  if (!opts->baseline) return 0;
  if (al_baseline_apply(run, opts->baseline, &accepted, &berr) < 0) {
    fprintf(err, "asynclint: %s\n", berr);
    free(berr);
    return -1;
  }
  if (accepted && !opts->quiet)
    fprintf(err, "asynclint: %zu finding%s accepted by the baseline %s\n", accepted, accepted == 1 ? "" : "s",
            opts->baseline);
  return 0;
}

/* Finds each file's configuration (nearest .asynclint.yaml, or --config) and drops the
 * files it excludes. -1 on a configuration error (reported). */
static int resolve_configs(const al_options *opts, al_configs *cs, al_map *by_file, al_discovery *d,
                           al_realpaths *rp, FILE *err) {
  char *cerr = NULL;
  if (opts->config_path && !(cs->forced = al_config_load(opts->config_path, &cerr))) goto fail;
  al_vec excluded = {0}; /* freed only once the whole list is settled */
  for (size_t i = 0; i < d->files.len; i++) {
    char *path = d->files.items[i];
    char *abs = al_realpath_memo(rp, path);
    const al_config *cfg = NULL;
    if (abs && al_configs_for(cs, abs, &cfg, &cerr) < 0) {
      free(abs);
      al_vec_free(&excluded);
      goto fail;
    }
    if (cfg && abs && al_config_excludes(cfg, abs)) al_vec_push(&excluded, path);
    else if (cfg && abs) al_map_put(by_file, abs, (void *)cfg);
    free(abs);
  }
  if (excluded.len) {
    size_t keep = 0, e = 0;
    for (size_t i = 0; i < d->files.len; i++) {
      if (e < excluded.len && d->files.items[i] == excluded.items[e]) {
        free(d->files.items[i]);
        e++;
      } else {
        d->files.items[keep++] = d->files.items[i];
      }
    }
    d->files.len = keep;
  }
  al_vec_free(&excluded);
  return 0;
fail:
  fprintf(err, "asynclint: %s\n", cerr ? cerr : "configuration error");
  free(cerr);
  return -1;
}

/* Following imports: the project files that the files named import (and those import
 * in turn, FOLLOW_DEPTH levels), when they are not named themselves, are read for the
 * cross-file index and not reported. `asynclint check app.py` (a pre-commit hook, an
 * editor's save) then still sees that app.py's helper in util.py blocks. Only from
 * files named as files (a folder brings its own imports), and only when they are few
 * (FOLLOW_MAX_BYTES). Imports are found in the text, without parsing: a warm run stays
 * warm. */
#define FOLLOW_MAX_BYTES (4u << 20)
#define FOLLOW_DEPTH 3
#define FOLLOW_MAX_FILES 512

typedef struct follow_ctx {
  al_discovery *d;
  al_realpaths *rp;
  al_map *seen;  /* canonical paths in the run */
  al_map *extra; /* paths added (as in d->files) */
  al_vec *queue; /* char*: added paths still to read, at the next depth */
  const char *cwd;
  const al_options *opts;
} follow_ctx;

static void follow_candidate(const char *path, void *ctx) {
  follow_ctx *c = ctx;
  struct stat st;
  if (c->extra->len >= FOLLOW_MAX_FILES || al_lang_from_path(path) == AL_LANG_NONE) return;
  if (stat(path, &st) != 0 && !(c->opts->fetch_import && c->opts->fetch_import(path, c->opts->fetch_ctx) &&
                                stat(path, &st) == 0))
    return;
  if (!S_ISREG(st.st_mode)) return;
  char *abs = al_realpath_memo(c->rp, path);
  if (!abs) return;
  if (al_map_get(c->seen, abs)) {
    free(abs);
    return;
  }
  al_map_put(c->seen, abs, (void *)1);
  /* shown as the files named are: relative to the working folder when under it */
  size_t n = c->cwd ? strlen(c->cwd) : 0;
  char *copy = al_strdup(n && !strncmp(abs, c->cwd, n) && abs[n] == '/' ? abs + n + 1 : abs);
  free(abs);
  al_vec_push(&c->d->files, copy);
  al_map_put(c->extra, copy, (void *)1);
  al_vec_push(c->queue, copy);
}

static void follow_imports(const al_options *opts, const char *const *paths, int npaths, al_discovery *d,
                           al_realpaths *rp, al_map *extra) {
  /* from the files named as files (a folder named brings its imports with it) */
  al_map named = {0};
  uint64_t bytes = 0;
  for (int i = 0; i < npaths; i++) {
    struct stat st;
    if (stat(paths[i], &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if ((bytes += (uint64_t)st.st_size) > FOLLOW_MAX_BYTES) {
      al_map_free(&named);
      return;
    }
    char *abs = al_realpath_memo(rp, paths[i]);
    if (abs) al_map_put(&named, abs, (void *)1);
    free(abs);
  }
  if (!named.len) return;
  al_map seen = {0};
  al_vec level = {0}, next = {0};
  for (size_t i = 0; i < d->files.len; i++) {
    char *abs = al_realpath_memo(rp, d->files.items[i]);
    if (!abs) continue;
    al_map_put(&seen, abs, (void *)1);
    al_lang lang = al_lang_from_path(d->files.items[i]);
    if ((lang == AL_LANG_PYTHON || lang == AL_LANG_JS) && al_map_get(&named, abs))
      al_vec_push(&level, d->files.items[i]);
    free(abs);
  }
  al_map_free(&named);
  char *cwd = getcwd(NULL, 0);
  follow_ctx c = {d, rp, &seen, extra, &next, cwd, opts};
  for (int depth = 0; depth < FOLLOW_DEPTH && level.len; depth++) {
    for (size_t i = 0; i < level.len; i++) {
      const char *path = level.items[i];
      al_lang lang = al_lang_from_path(path);
      char *abs = al_realpath_memo(rp, path), *err = NULL;
      al_source src;
      if (!abs || al_source_load(&src, path, lang, &err) < 0) {
        free(abs);
        free(err);
        continue;
      }
      char *module = al_module_id(abs, lang);
      al_scan_import_candidates(&src, abs, module, follow_candidate, &c);
      free(module);
      free(abs);
      al_source_free(&src);
    }
    al_vec t = level;
    level = next;
    next = t;
    next.len = 0;
  }
  al_vec_free(&level);
  al_vec_free(&next);
  al_map_free(&seen);
  free(cwd);
}

int al_check(const al_options *opts_in, const char *const *paths, int npaths, FILE *out, FILE *err) {
  al_discovery d;
  const char *stdin_paths[1];
  if (opts_in->stdin_path) { /* one file, whether or not it exists on disk */
    memset(&d, 0, sizeof d);
    al_vec_push(&d.files, al_strdup(opts_in->stdin_path));
    stdin_paths[0] = opts_in->stdin_path;
    paths = stdin_paths;
    npaths = 1;
  } else {
    al_discover(paths, npaths, &d);
  }
  for (size_t i = 0; i < d.errors.len; i++) fprintf(err, "asynclint: %s\n", (char *)d.errors.items[i]);
  al_configs cs = {0};
  al_map by_file = {0}, extra = {0};
  al_options o = *opts_in;
  const al_options *opts = &o;
  if (o.stdin_path) o.no_cache = true; /* the text is not the file's: no stat table, no entry */
  /* stdin with --fix: the text goes to stdout, fixed or not, and the findings left to err */
  bool echo = o.stdin_path && o.fix && !o.diff;
  FILE *report = o.report ? o.report : echo ? err : out;
  bool echoed = false;
  al_realpaths rp = {0};
  o.realpaths = &rp;
  al_run run;
  memset(&run, 0, sizeof run);
  int rc;
  if (resolve_configs(opts_in, &cs, &by_file, &d, &rp, err) < 0) {
    rc = 2;
    goto done;
  }
  o.file_configs = &by_file;
  if (!opts->no_follow) follow_imports(opts, paths, npaths, &d, &rp, &extra);
  if (extra.len) o.index_only = &extra;
  al_run_files(&run, opts, (char **)d.files.items, d.files.len);
  for (size_t i = 0; i < run.nfiles; i++) {
    al_file *f = &run.files[i];
    if (!f->in_shard) continue; /* another shard speaks of it */
    if (f->error) fprintf(err, "asynclint: %s: %s\n", f->path, f->error);
    else if (f->warning) fprintf(err, "asynclint: %s: warning: %s\n", f->path, f->warning);
  }
  if (opts->write_baseline) {
    char *berr = NULL;
    rc = al_baseline_write(&run, opts->write_baseline, &berr);
    if (rc < 0) fprintf(err, "asynclint: %s\n", berr);
    else fprintf(err, "asynclint: wrote %zu finding%s to %s\n", run.nfindings, run.nfindings == 1 ? "" : "s",
                 opts->write_baseline);
    free(berr);
    rc = rc < 0 ? 2 : d.missing ? 2 : 0;
    goto done;
  }
  if ((opts->baseline || opts->diff_base) && !opts->fix && !opts->diff && filter_findings(&run, opts, err) < 0) {
    rc = 2;
    goto done;
  }
  if (opts->fix || opts->diff) {
    size_t failed = 0;
    size_t n = apply_fixes(&run, opts, opts->diff ? report : out, err, &failed);
    if (opts->diff) {
      fprintf(err, "asynclint: %zu fix%s would be applied\n", n, n == 1 ? "" : "es");
      rc = d.missing ? 2 : n ? 1 : 0;
    } else {
      /* Report what is left after fixing, from a fresh run over the written files. */
      al_run_free(&run);
      al_run_files(&run, opts, (char **)d.files.items, d.files.len);
      if (n || failed) fprintf(err, "asynclint: fixed %zu finding%s\n", n, n == 1 ? "" : "s");
      echoed = echoed || n;
      if ((opts->baseline || opts->diff_base) && filter_findings(&run, opts, err) < 0) {
        rc = 2;
        goto done;
      }
      al_output(&run, opts, report);
      rc = d.missing ? 2 : run.nfindings && !opts->exit_zero ? 1 : 0;
    }
  } else {
    al_output(&run, opts, report);
    rc = d.missing ? 2 : run.nfindings && !opts->exit_zero ? 1 : 0;
  }
done:
  if (echo && !echoed) { /* nothing fixed (or an error): the text as it came */
    size_t len;
    const char *text = al_source_overlay(o.stdin_path, &len);
    if (text) fwrite(text, 1, len, out);
  }
  fflush(out);
  al_run_free(&run);
  al_discovery_free(&d);
  al_map_free(&by_file);
  al_map_free(&extra);
  al_configs_free(&cs);
  al_realpaths_free(&rp);
  return rc;
}
