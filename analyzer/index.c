/* index: merges what pass 1 lowered into a project-wide table of functions, resolves
 * calls against it and propagates "returns an awaitable" to a fixpoint. */
#include "index.h"

#include "common.h" /* al_func_handles_errors, al_acquires_limiter: facts the summary keeps */

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

#define KEY_SEP "\x1f"

/* The index's maps borrow their keys from its arena, and its records live there: one
 * build makes ~20,000 of each (the Python corpus), and freeing them one by one was most
 * of the 7 ms the speculative index took to free, serial between pass 1 and the build.
 * (The arena is zeroed with the index, not al_arena_init'ed: malloc'd blocks, not a
 * thread's pool, so any thread may free it.) */
static void index_put(al_index *idx, al_map *m, const char *key, size_t len, void *val) {
  al_map_put_borrowed(m, al_arena_strndup(&idx->arena, key, len), val);
}

static void add_func(al_index *idx, const char *module, const char *name, al_func_info *info) {
  char buf[512];
  size_t ml = strlen(module), nl = strlen(name);
  char *key = ml + nl + 2 <= sizeof buf ? buf : al_malloc(ml + nl + 2);
  memcpy(key, module, ml);
  key[ml] = KEY_SEP[0];
  memcpy(key + ml + 1, name, nl + 1);
  if (!al_map_get_hashed(&idx->funcs, key, al_hash_fast(key, ml + 1 + nl)))
    index_put(idx, &idx->funcs, key, ml + 1 + nl, info);
  if (key != buf) free(key);
}

static al_func_info *new_record(al_index *idx) {
  return al_arena_alloc(&idx->arena, sizeof(al_func_info)); /* zeroed */
}

/* A pointer to an object a runtime names after the word (knowledge `future_type_words`):
 * `future_t *`, `struct my_future *`, `struct Promise *`, `TaskFuture *` — the word at the
 * end of the type's name (before a `_t`/`_s` suffix), starting it or after `_` or at a
 * capital. Not `struct nofuture *`, not a pointer to a pointer, not a function pointer. */
static bool named_future_type(const ir_file *f, const char *type) {
  size_t n = strlen(type);
  if (n < 3 || strcmp(type + n - 2, " *") || strchr(type, '(')) return false;
  n -= 2;
  if (n && type[n - 1] == '*') return false;
  const char *name = type;
  for (const char *q = type; q < type + n; q++)
    if (*q == ' ') name = q + 1; /* (drops `struct `, `const `) */
  size_t len = (size_t)(type + n - name);
  if (len > 2 && name[len - 2] == '_' && (name[len - 1] == 't' || name[len - 1] == 's')) len -= 2;
  const al_kb_section *sec = al_kb_section_get(al_kb_for(f->lang), "future_type_words");
  for (size_t i = 0; sec && i < sec->entries.len; i++) {
    const char *w = ((const al_kb_entry *)sec->entries.items[i])->name;
    size_t wn = strlen(w);
    if (!wn || wn > len) continue;
    const char *at = name + len - wn;
    bool same = true;
    for (size_t k = 0; k < wn && same; k++) same = tolower((unsigned char)at[k]) == w[k];
    if (same && (at == name || at[-1] == '_' || isupper((unsigned char)at[0]))) return true;
  }
  return false;
}

static bool kb_is_future_type(const ir_file *f, const char *type) {
  return type && (al_kb_find(al_kb_for(f->lang), "future_types", type) || named_future_type(f, type));
}

bool al_func_is_awaitable(const ir_file *f, const ir_node *fn) {
  if (f->lang == AL_LANG_C) return kb_is_future_type(f, fn->type);
  if (fn->flags & IR_F_GENERATOR) return false; /* async generators are iterated, not awaited */
  return (fn->flags & (IR_F_ASYNC | IR_F_RETURNS_PROMISE)) != 0;
}

/* ---- speculative runs ---- */
struct al_spec {
  pthread_mutex_t lock; /* recursive: a lookup inside al_index_spec_add takes it again */
  bool single;          /* one worker: nothing to lock against (al_index_spec_single) */
};

static void spec_lock(const al_index *idx) {
  if (!idx->spec->single) pthread_mutex_lock(&idx->spec->lock);
}

static void spec_unlock(const al_index *idx) {
  if (!idx->spec->single) pthread_mutex_unlock(&idx->spec->lock);
}

/* What a file's rules looked up: each (map, key) once, with the digest of its answer (an
 * open addressing table on the key's hash). Keys are told apart by their 64-bit hash
 * alone, as the frozen readset does: two keys sharing one would be one lookup, and a
 * conflict (a recheck) if their answers differed. */
typedef struct rs_slot {
  uint64_t hash, digest;
  bool used;        /* else empty */
  bool promisified; /* the key is one of idx->promisified, else of idx->funcs */
} rs_slot;

/* A lookup of idx->funcs records the answer's digest_base; al_index_blocking records the
 * same key again with the whole digest. The two are told apart by bit 0 (digest_base
 * has it clear, the whole digest set), so each is a lookup of its own in the table. */
#define RS_WHOLE 1u

/* Frozen, a lookup is kept as its key's hash and its answer's digest: the key itself is
 * not needed to ask the index again (see al_readset_holds), and the keys were most of a
 * readset (massif, JS corpus at -j1: readsets 12.1 of the 38 MB live at the end of pass 1). */
typedef struct rs_pair {
  uint64_t hash, digest;
} rs_pair;

struct al_readset {
  rs_slot *slots; /* while recording */
  size_t cap, len;
  bool conflict; /* a key got two answers (the speculative index grew in between) */
  rs_pair *frozen; /* after al_readset_freeze: nfuncs lookups of idx->funcs, then the rest of idx->promisified */
  size_t nfuncs, nfrozen;
  uint64_t serial; /* unique in the process (the answered_by table's entries name it) */
};

al_readset *al_readset_new(void) {
  static atomic_uint_fast64_t serials;
  al_readset *rs = al_calloc(1, sizeof(al_readset));
  rs->serial = atomic_fetch_add(&serials, 1) + 1;
  return rs;
}

static _Thread_local al_readset *recording;

void al_index_record(al_readset *rs) { recording = rs; }

static rs_slot *rs_find(rs_slot *slots, size_t cap, uint64_t h, bool prom, uint64_t whole) {
  size_t i = (size_t)h & (cap - 1);
  while (slots[i].used &&
         (slots[i].hash != h || slots[i].promisified != prom || (!prom && (slots[i].digest & RS_WHOLE) != whole)))
    i = (i + 1) & (cap - 1);
  return &slots[i];
}

/* This thread's empty table of RS_FIRST_CAP slots, kept from the last readset that did
 * not outgrow it: most files need no more, and a fresh 8 KB calloc per file made glibc
 * consolidate its fastbins each time (9 M instructions on the JS sample). */
enum { RS_FIRST_CAP = 256 };
static _Thread_local rs_slot *rs_spare;

void al_readset_thread_done(void) {
  free(rs_spare);
  rs_spare = NULL;
}

static void record(uint64_t h, bool prom, uint64_t digest) {
  al_readset *rs = recording;
  if (!rs->cap && rs_spare) {
    rs->slots = rs_spare;
    rs->cap = RS_FIRST_CAP;
    rs_spare = NULL;
  }
  if (2 * (rs->len + 1) > rs->cap) {
    size_t ncap = rs->cap ? rs->cap * 2 : RS_FIRST_CAP;
    rs_slot *ns = al_calloc(ncap, sizeof *ns);
    for (size_t i = 0; i < rs->cap; i++)
      if (rs->slots[i].used)
        *rs_find(ns, ncap, rs->slots[i].hash, rs->slots[i].promisified, rs->slots[i].digest & RS_WHOLE) =
            rs->slots[i];
    free(rs->slots);
    rs->slots = ns;
    rs->cap = ncap;
  }
  rs_slot *sl = rs_find(rs->slots, rs->cap, h, prom, prom ? 0 : digest & RS_WHOLE);
  if (sl->used) { /* the rules acted on both answers: only a recheck is sure */
    if (sl->digest != digest) rs->conflict = true;
    return;
  }
  *sl = (rs_slot){h, digest, true, prom};
  rs->len++;
}

/* The key (its hash) that answered with each function record on this thread while the
 * current readset records, for al_index_blocking to record the same lookup with the
 * whole digest (a resolution remembered by al_index_resolve was recorded when first made,
 * in the same file). Open addressing on the record's address; entries of an earlier
 * readset count as empty. A record not found (the table full) means a recheck. */
typedef struct answered_by {
  const al_func_info *info;
  uint64_t hash, rs; /* rs: the readset's serial */
} answered_by;
#define ANSWERED_SLOTS 8192
#define ANSWERED_PROBES 32
static _Thread_local answered_by answered[ANSWERED_SLOTS];

static answered_by *answered_find(const al_func_info *r, uint64_t rs) {
  size_t i = (size_t)(((uintptr_t)r * 0x9e3779b97f4a7c15ull) >> 51);
  for (int k = 0; k < ANSWERED_PROBES; k++, i++) {
    answered_by *a = &answered[i & (ANSWERED_SLOTS - 1)];
    if (a->rs != rs || a->info == r) return a;
  }
  return NULL;
}

/* A map lookup of the index: locked in a speculative index, recorded when asked for. */
static void *index_get_len(const al_index *idx, const al_map *m, const char *key, size_t len) {
  uint64_t h = al_hash_fast(key, len);
  void *r;
  if (idx->spec) {
    spec_lock(idx);
    r = al_map_get_hashed(m, key, h);
    spec_unlock(idx);
  } else {
    r = al_map_get_hashed(m, key, h);
  }
  if (recording) {
    bool prom = m == &idx->promisified;
    record(h, prom, prom ? (uint64_t)(uintptr_t)r : r ? ((const al_func_info *)r)->digest_base : 0);
    answered_by *a = !prom && r ? answered_find(r, recording->serial) : NULL;
    if (a) *a = (answered_by){r, h, recording->serial}; /* which key answered with r, for al_index_blocking */
  }
  return r;
}

const al_func_info *al_index_blocking(const al_func_info *callee) {
  if (!recording || !callee) return callee;
  const answered_by *a = answered_find(callee, recording->serial);
  if (!a || a->rs != recording->serial) /* the key that answered is not known: only a recheck is sure */
    recording->conflict = true;
  else
    record(a->hash, false, callee->digest);
  return callee;
}

static void *index_get(const al_index *idx, const al_map *m, const char *key) {
  return index_get_len(idx, m, key, strlen(key));
}

static const al_func_info *lookup(const al_index *idx, const char *module, const char *member) {
  char buf[512];
  size_t ml = strlen(module), nl = strlen(member);
  if (ml + nl + 2 <= sizeof buf) {
    memcpy(buf, module, ml);
    buf[ml] = KEY_SEP[0];
    memcpy(buf + ml + 1, member, nl + 1);
    return index_get_len(idx, &idx->funcs, buf, ml + 1 + nl);
  }
  char *key = al_fmt("%s" KEY_SEP "%s", module, member);
  const al_func_info *r = index_get(idx, &idx->funcs, key);
  free(key);
  return r;
}

/* lookup of "<outer>.<member>" without building the string on the heap */
static const al_func_info *lookup_nested(const al_index *idx, const char *module, const char *outer,
                                         const char *member) {
  char buf[512];
  if (!al_join(buf, sizeof buf, outer, '.', member)) return NULL;
  return lookup(idx, module, buf);
}

const al_func_info *al_index_func(const al_index *idx, const ir_file *f, const ir_node *func) {
  if (!f->module || !func->name) return NULL;
  const al_func_info *r = lookup(idx, f->module, func->name);
  if (!r && f->lang == AL_LANG_C) r = lookup(idx, "c", func->name);
  /* the record's func is the summary IR's copy (C: the node itself): the same function
   * starts and ends at the same bytes of the same source */
  return r && (r->func == func || (r->file->src == f->src && r->func->span.start == func->span.start &&
                                   r->func->span.end == func->span.end && r->func->kind == func->kind))
             ? r
             : NULL;
}

static const al_func_info *resolve(const al_index *idx, const ir_file *f, const ir_node *call);

/* Typed module values may answer: the index has some, or it is speculative or recording
 * (a value found later must be a lookup the readset remembers, so the file is checked
 * again). Without any, the lookups are skipped. */
static bool values_possible(const al_index *idx);

/* Several rules resolve the same calls: answers are remembered per (index, file) in a
 * small direct-mapped per-thread table. Keyed by what resolution reads besides the file
 * (the node, its member, module and parent), so a made-up node a rule builds on its
 * stack at a reused address cannot get another's answer. Not while a speculative index
 * is computing records (it changes between rounds); while rules record their lookups
 * the first answer is the recorded one, so it is the one to keep giving. */
typedef struct resolve_slot {
  uint64_t gen;
  const ir_node *call, *parent;
  const char *member, *module;
  const al_func_info *r;
} resolve_slot;

#define RESOLVE_SLOTS 4096
static _Thread_local resolve_slot resolved[RESOLVE_SLOTS];
static _Thread_local uint64_t resolved_gen, resolved_idx, resolved_file;

static const al_func_info *resolve_getter(const al_func_info *r, const ir_node *call);

const al_func_info *al_index_resolve(const al_index *idx, const ir_file *f, const ir_node *call) {
  /* a node a rule made up (no span: not in the IR) may name its callee in a buffer of
   * its own, whose address a later question reuses with other contents: not remembered */
  if ((idx->spec && !recording) || !call->span.end) return resolve_getter(resolve(idx, f, call), call);
  if (resolved_idx != idx->serial || resolved_file != f->serial || !resolved_gen) {
    resolved_gen++;
    resolved_idx = idx->serial;
    resolved_file = f->serial;
  }
  size_t h = (size_t)((((uintptr_t)call >> 3) ^ (uintptr_t)call->member) * 0x9e3779b97f4a7c15ull >> 52) &
             (RESOLVE_SLOTS - 1);
  resolve_slot *sl = &resolved[h];
  if (sl->gen == resolved_gen && sl->call == call && sl->parent == call->parent && sl->member == call->member &&
      sl->module == call->module)
    return sl->r;
  const al_func_info *r = resolve_getter(resolve(idx, f, call), call);
  *sl = (resolve_slot){resolved_gen, call, call->parent, call->member, call->module, r};
  return r;
}

/* A property read (IR_F_PROPERTY) calls a getter, or nothing: an attribute of that name
 * on another class is data. */
static const al_func_info *resolve_getter(const al_func_info *r, const ir_node *call) {
  return r && (call->flags & IR_F_PROPERTY) && !(r->func->flags & IR_F_PROPERTY) ? NULL : r;
}

#define MAX_BASE_DEPTH 8

static const al_func_info *resolve_in(const al_index *idx, al_lang lang, const char *module, const char *member,
                                      int depth);

/* The project class `member` up to `dot` names in module, when it has bases (its IR_CLASS
 * copy), else NULL. Only a class-like head asks (`Order.save`, `_Base.m`: a capital
 * after any underscores), or any head when the caller knows it is a class (any_head: a
 * base, or a call chain's callee that no function answers): most failed lookups are of
 * modules and objects (`console.log`, `os.path.join`), and the test depends on the key
 * and on answers already recorded, so a speculative run asks exactly what the real one
 * does. */
static const ir_node *class_with_bases(const al_index *idx, const char *module, const char *member,
                                       const char *dot, bool any_head) {
  const char *seg = dot;
  while (seg > member && seg[-1] != '.') seg--;
  while (*seg == '_') seg++;
  if (!any_head && !(*seg >= 'A' && *seg <= 'Z')) return NULL;
  char key[512]; /* module KEY_SEP Class KEY_SEP, joined by hand (snprintf: ~1,000 instructions) */
  size_t ml = strlen(module), cl = (size_t)(dot - member);
  if (ml + cl + 3 > sizeof key) return NULL;
  memcpy(key, module, ml);
  key[ml] = KEY_SEP[0];
  memcpy(key + ml + 1, member, cl);
  key[ml + 1 + cl] = KEY_SEP[0];
  key[ml + 2 + cl] = 0;
  return index_get_len(idx, &idx->promisified, key, ml + 2 + cl);
}

/* module.member; when member is Class.m and the class has none, m on its bases (in order:
 * Python's MRO for single inheritance and the first base of mixins). depth > 0: the head
 * is known to be a class (a base; or depth 1 from resolve_returned), whatever its case. */
static const al_func_info *lookup_method(const al_index *idx, al_lang lang, const char *module, const char *member,
                                         int depth) {
  const al_func_info *r = lookup(idx, module, member);
  const char *dot = r || depth >= MAX_BASE_DEPTH ? NULL : strrchr(member, '.');
  if (!dot || dot == member) return r;
  const ir_node *cls = class_with_bases(idx, module, member, dot, depth > 0);
  for (uint32_t i = 0; cls && !r && i < cls->nargs; i++) {
    const ir_arg *b = &cls->args[i];
    if (!b->text) continue;
    char bm[512]; /* Base.m */
    size_t tl = strlen(b->text), dl = strlen(dot);
    if (tl + dl >= sizeof bm) continue;
    memcpy(bm, b->text, tl);
    memcpy(bm + tl, dot, dl + 1);
    r = b->keyword ? resolve_in(idx, lang, b->keyword, bm, depth + 1) : lookup_method(idx, lang, module, bm, depth + 1);
  }
  return r;
}

/* member of an imported module: JS index files, Python packages (`import pkg` then
 * pkg.sub.func(): leading members move into the module). */
static const al_func_info *resolve_in(const al_index *idx, al_lang lang, const char *module, const char *member,
                                      int depth) {
  const al_func_info *r = lookup_method(idx, lang, module, member, depth);
  if (r) return r;
  /* the keys are joined on the stack (al_fmt's vasprintf: ~1,000 instructions a call,
   * and most lookups here fail) */
  char mod[512];
  size_t ml = strlen(module);
  if (ml + 7 > sizeof mod) return NULL;
  memcpy(mod, module, ml + 1);
  if (lang == AL_LANG_JS) {
    memcpy(mod + ml, "/index", 7);
    return lookup_method(idx, lang, mod, member, depth);
  }
  const char *rest = member;
  const char *dot;
  while (!r && (dot = strchr(rest, '.'))) { /* `a.b` + `c.d`: module a.b.c, member d */
    size_t sl = (size_t)(dot - rest);
    if (ml + 1 + sl + 1 > sizeof mod) return NULL;
    mod[ml] = '.';
    memcpy(mod + ml + 1, rest, sl);
    ml += 1 + sl;
    mod[ml] = 0;
    rest = dot + 1;
    r = lookup_method(idx, lang, mod, rest, depth);
  }
  return r;
}

/* `make_repo().save` (a call chain, or a local holding what make_repo returned; module:
 * where make_repo is, NULL for this file): save on the class make_repo's annotation
 * names. `create(await).save`: the same through an await, for an async function. */
static const al_func_info *resolve_returned(const al_index *idx, const ir_file *f, const char *module,
                                            const char *member) {
  const char *p = strstr(member, "()."), *q = strstr(member, "(await).");
  if (!p && !q) return NULL;
  bool awaited = !p || (q && q < p);
  const char *open = awaited ? q : p, *rest = open + (awaited ? 8 : 3);
  size_t fl = (size_t)(open - member);
  char fname[256], key[512];
  if (!fl || fl >= sizeof fname || memchr(member, '(', fl)) return NULL;
  memcpy(fname, member, fl);
  fname[fl] = 0;
  const al_func_info *fn = module ? resolve_in(idx, f->lang, module, fname, 0)
                                  : lookup_method(idx, f->lang, f->module, fname, 0);
  if (!fn && !awaited && f->lang == AL_LANG_PYTHON) {
    /* no function of that name: a class whose name is not capitalised (`c = my_client();
     * c.fetch()`; the front end types capitalised ones itself), its method rest */
    if (snprintf(key, sizeof key, "%s.%s", fname, rest) >= (int)sizeof key) return NULL;
    return module ? resolve_in(idx, f->lang, module, key, 1) : lookup_method(idx, f->lang, f->module, key, 1);
  }
  if (!fn || !fn->func->member || awaited != ((fn->func->flags & (IR_F_ASYNC | IR_F_RETURNS_PROMISE)) != 0))
    return NULL;
  /* `return cls()` / `return self` called on a subclass (`Child.create()`): the subclass,
   * whose own methods answer first (its bases after) */
  const char *dot = strrchr(fname, '.');
  if ((fn->func->flags & IR_F_RETURNS_RECEIVER) && fn->func->kind == IR_FUNC && dot && dot > fname) {
    if (snprintf(key, sizeof key, "%.*s.%s", (int)(dot - fname), fname, rest) >= (int)sizeof key) return NULL;
    return module ? resolve_in(idx, f->lang, module, key, 0) : lookup_method(idx, f->lang, f->module, key, 0);
  }
  if (snprintf(key, sizeof key, "%s.%s", fn->func->member, rest) >= (int)sizeof key) return NULL;
  const char *home = fn->func->module ? fn->func->module : fn->file->module;
  return home ? resolve_in(idx, f->lang, home, key, 0) : NULL;
}

/* The plain name a call makes (`cb` of `cb()`, `cb.call` of `cb.call(x)`) is a parameter
 * of a function around it: the parameter, not the module's function of that name, is
 * called (`function foo(cb) { cb(); }` beside an `async function cb`). */
static bool param_named(const ir_node *call, const char *member) {
  size_t hl = strcspn(member, ".(");
  if (!hl || (call->flags & IR_F_SELF)) return false;
  for (const ir_node *fn = ir_enclosing_func(call); fn; fn = ir_enclosing_func(fn))
    if (ir_has_param(fn, member, hl)) return true;
  return false;
}

/* ... or a local of one, bound before the call (after it, the call would fail: Python's
 * UnboundLocalError, JavaScript's dead zone). Asked only once the name has matched a
 * module function. */
static bool local_named(const ir_file *f, const ir_node *call, const char *member) {
  size_t hl = strcspn(member, ".(");
  if (!hl || (call->flags & IR_F_SELF)) return false;
  for (const ir_node *fn = ir_enclosing_func(call); fn; fn = ir_enclosing_func(fn))
    if (ir_first_binding(f, fn, member, hl, call->span.start) != UINT32_MAX) return true;
  return false;
}

static const ir_node *typed_value(const al_index *idx, const char *module, const char *e, size_t el);

/* member "E.m" of module, E a module-level instance of a project class (`repo = Repo()`,
 * `export const repo = new Repo()`): the class's method m (Python: leading members of
 * member moved into the module, as resolve_in does). */
static const al_func_info *value_method(const al_index *idx, al_lang lang, const char *module, const char *member) {
  char mod[2][512], m[512];
  for (int k = 0; k < 4; k++) {
    const char *dot = strchr(member, '.');
    if (!dot || strchr(dot + 1, '(')) return NULL;
    const ir_node *v = typed_value(idx, module, member, (size_t)(dot - member));
    if (v && v->member && v->module && snprintf(m, sizeof m, "%s%s", v->member, dot) < (int)sizeof m)
      return resolve_in(idx, lang, v->module, m, 0);
    if ((lang != AL_LANG_PYTHON && k) || !strchr(dot + 1, '.') ||
        snprintf(mod[k & 1], sizeof mod[0], "%s.%.*s", module, (int)(dot - member), member) >= (int)sizeof mod[0])
      return NULL;
    module = mod[k & 1];
    member = dot + 1;
  }
  return NULL;
}

/* (spec first: a speculative index's nvalues grows under its lock, read outside it) */
static bool values_possible(const al_index *idx) { return idx->spec || recording || idx->nvalues; }

static const ir_node *inherited_attr(const al_index *idx, al_lang lang, const char *module, const char *member,
                                     int depth);

/* `self.repo.save()` in a subclass whose base (in another module) made repo a project
 * class's instance: that class's save. */
static const al_func_info *inherited_attr_method(const al_index *idx, al_lang lang, const char *module,
                                                 const char *member) {
  const ir_node *v = inherited_attr(idx, lang, module, member, 0);
  char m[512];
  if (!v || !v->module || !v->member || snprintf(m, sizeof m, "%s%s", v->member, strrchr(member, '.')) >= (int)sizeof m)
    return NULL;
  return resolve_in(idx, lang, v->module, m, 0);
}

static const al_func_info *resolve(const al_index *idx, const ir_file *f, const ir_node *call) {
  if (!call->member || !*call->member) {
    if (f->lang == AL_LANG_JS && call->module) return lookup(idx, call->module, "default");
    return NULL;
  }
  if (f->lang == AL_LANG_C) {
    const al_func_info *r = lookup(idx, f->module, call->member);
    return r ? r : lookup(idx, "c", call->member);
  }
  if (!call->module) {
    if (!f->module) return NULL;
    const al_func_info *r = lookup_method(idx, f->lang, f->module, call->member, 0);
    /* Python: a function nested in an enclosing function (outer.inner) */
    for (const ir_node *p = ir_enclosing_func(call); !r && p; p = ir_enclosing_func(p)) {
      if ((p->flags & IR_F_LAMBDA) || !p->name) continue;
      r = lookup_nested(idx, f->module, p->name, call->member);
      /* inside this very function: another def of the same name (`func` redefined, as
       * test files do) has nested functions of its own */
      if (r && (r->func->span.start < p->span.start || r->func->span.end > p->span.end)) r = NULL;
    }
    if (!r && strchr(call->member, '(')) r = resolve_returned(idx, f, NULL, call->member);
    if (!r && (call->flags & IR_F_SELF)) r = inherited_attr_method(idx, f->lang, f->module, call->member);
    if (r && param_named(call, call->member)) r = NULL; /* (asked once a function matched: most calls match none) */
    if (r && r->func->name && !strpbrk(r->func->name, ".<") && !strchr(call->member, '.') && local_named(f, call, call->member))
      r = NULL; /* a module function hidden by a local of its name */
    return r;
  }
  const al_func_info *r = resolve_in(idx, f->lang, call->module, call->member, 0);
  if (!r && strchr(call->member, '(')) r = resolve_returned(idx, f, call->module, call->member);
  if (!r && values_possible(idx)) r = value_method(idx, f->lang, call->module, call->member);
  /* an imported function called by a bare name that a parameter hides */
  if (r && call->text && !strpbrk(call->text, ".(") && !(call->flags & IR_F_TYPED_CALLEE) && param_named(call, call->text))
    r = NULL;
  return r;
}

static const al_kb_entry *kb_awaitable(const ir_file *f, const char *name) {
  const al_kb *kb = al_kb_for(f->lang);
  const al_kb_entry *e = al_kb_match(kb, "awaitable", name);
  /* a wildcard (`redis.asyncio.Redis.*`) does not cover the names listed as exceptions,
   * and one marked `one_member` (a class's methods) not a method of an attribute of the
   * instance (`r.scripts.add()`: a set's add) */
  if (e && strchr(e->name, '*') && al_kb_find(kb, "awaitable_except", name)) return NULL;
  if (e && al_kb_attr_is(e, "one_member", "true")) {
    const char *last = strrchr(name, '.'), *star = strstr(e->name, ".*"); /* (braces are expanded at load) */
    if (star && last && last - name != star - e->name) return NULL;
  }
  return e;
}

/* An argument that is a callback: an inline function, a function name (C), or a name
 * that says so (`cb`, `done`, `next`, `onResult`, `handleRows`, `this.callback`). */
static bool callback_arg(const ir_arg *a) {
  if (a->flags & (IR_ARG_LAMBDA | IR_ARG_FUNC_REF)) return true;
  if (!a->text || (a->flags & (IR_ARG_LITERAL | IR_ARG_SPREAD | IR_ARG_NULL))) return false;
  const char *t = strrchr(a->text, '.');
  t = t ? t + 1 : a->text;
  for (const char *p = t; *p; p++)
    if (!(*p == '_' || *p == '$' || (*p >= '0' && *p <= '9') || ((*p | 32) >= 'a' && (*p | 32) <= 'z'))) return false;
  static const char *const exact[] = {"cb", "callback", "done", "next", "fn", NULL};
  for (int i = 0; exact[i]; i++)
    if (!strcmp(t, exact[i])) return true;
  return (al_starts_with(t, "on") && t[2] >= 'A' && t[2] <= 'Z') || (al_starts_with(t, "handle") && t[6] >= 'A' && t[6] <= 'Z') ||
         al_ends_with(t, "Callback") || al_ends_with(t, "Cb") || al_ends_with(t, "Handler");
}

/* X.m for a constructor call X(): resolved without al_index_resolve's cache, which keys
 * on the (here stack-allocated, reused) call and member pointers. */
static const al_func_info *class_method(const al_index *idx, const ir_file *f, const ir_node *call, const char *m) {
  char buf[512], full[600];
  const char *member = call->member ? call->member : call->name;
  if (!member || snprintf(buf, sizeof buf, "%s.%s", member, m) >= (int)sizeof buf) return NULL;
  ir_node fake = {.kind = IR_CALL, .parent = (ir_node *)call, .module = call->module, .member = buf, .name = buf};
  if (call->module) {
    if (snprintf(full, sizeof full, "%s.%s", call->module, buf) >= (int)sizeof full) return NULL;
    fake.name = full;
  }
  return resolve(idx, f, &fake);
}

static bool cat3(char *buf, size_t cap, const char *a, size_t na, const char *b, size_t nb, const char *c, size_t nc);

/* Python: class cls of module, and each of its bases, is a project class that does not
 * define m (a class without bases is known as one by defining other itself): no base
 * outside the project can bring m. (A library's class has no records: it fails the last
 * test. Every question goes through index_get, which a speculative run records.) */
static bool project_chain_without(const al_index *idx, const char *module, const char *cls, const char *m,
                                  const char *other, int depth) {
  char cm[512];
  if (depth >= MAX_BASE_DEPTH || !cat3(cm, sizeof cm, cls, strlen(cls), ".", 1, m, strlen(m)) || lookup(idx, module, cm))
    return false;
  char key[512]; /* module KEY_SEP cls KEY_SEP (not class_with_bases: a lowercase class name has bases too) */
  size_t ml = strlen(module), cl = strlen(cls);
  if (!cat3(key, sizeof key, module, ml, KEY_SEP, 1, cls, cl) || ml + cl + 3 > sizeof key) return false;
  key[ml + 1 + cl] = KEY_SEP[0];
  key[ml + 2 + cl] = 0;
  const ir_node *c = index_get_len(idx, &idx->promisified, key, ml + 2 + cl);
  if (!c) return cat3(cm, sizeof cm, cls, strlen(cls), ".", 1, other, strlen(other)) && lookup(idx, module, cm);
  for (uint32_t i = 0; i < c->nargs; i++) {
    const ir_arg *b = &c->args[i];
    if (!b->text || !*b->text || strpbrk(b->text, "[(") ||
        !project_chain_without(idx, b->keyword ? b->keyword : module, b->text, m, other, depth + 1))
      return false;
  }
  return true;
}

int al_index_class_method(const al_index *idx, const ir_file *f, const ir_node *call, const char *m,
                          const char *other) {
  if (f->lang != AL_LANG_PYTHON || !call->name || (call->flags & IR_F_SELF)) return -1;
  if (class_method(idx, f, call, m)) return 1;
  if (!class_method(idx, f, call, other)) return -1; /* not a project class we know */
  /* a class with bases may get m from one outside the project */
  const char *module = call->module ? call->module : f->module;
  const char *member = call->member ? call->member : call->name;
  char key[512];
  if (!module || snprintf(key, sizeof key, "%s%c%s%c", module, KEY_SEP[0], member, KEY_SEP[0]) >= (int)sizeof key)
    return -1;
  if (!index_get(idx, &idx->promisified, key)) return 0;
  /* its bases are the project's, all the way up, and none has m */
  return !strchr(member, '.') && project_chain_without(idx, module, member, m, other, 0) ? 0 : -1;
}

/* Class.m where the project's Class has no m but a base outside the project does, by the
 * knowledge of `section`: `class Api(httpx.AsyncClient)`, then `self.get(url)`;
 * `class Jobs(asyncio.Queue)`, then `jobs.get()`. Project bases are followed (up to
 * MAX_BASE_DEPTH); the first base with an entry answers. */
/* buf = a b c (lengths given); false when it does not fit in cap (with its NUL). In
 * place of snprintf on the index's hot paths (a key per lookup). */
static bool cat3(char *buf, size_t cap, const char *a, size_t na, const char *b, size_t nb, const char *c, size_t nc) {
  if (na + nb + nc + 1 > cap) return false;
  memcpy(buf, a, na);
  memcpy(buf + na, b, nb);
  memcpy(buf + na + nb, c, nc);
  buf[na + nb + nc] = 0;
  return true;
}

static const al_kb_entry *kb_inherited(const al_index *idx, const ir_file *f, const char *section, const char *module,
                                       const char *member, int depth) {
  const char *dot = member ? strrchr(member, '.') : NULL;
  if (!dot || dot == member || !module || depth >= MAX_BASE_DEPTH) return NULL;
  const ir_node *cls = class_with_bases(idx, module, member, dot, false);
  for (uint32_t i = 0; cls && i < cls->nargs; i++) {
    const ir_arg *b = &cls->args[i];
    char bm[512];
    if (b->text && !*b->text && b->keyword && b->keyword[0] != '/') { /* JS `extends Redis`, a default export */
      const al_kb_entry *d = al_kb_find(al_kb_for(f->lang), "default_classes", b->keyword);
      const char *type = d ? al_kb_attr(d, "type") : NULL;
      const al_kb_entry *e = type && cat3(bm, sizeof bm, type, strlen(type), dot, strlen(dot), "", 0)
                                 ? al_kb_match(al_kb_for(f->lang), section, bm)
                                 : NULL;
      if (e) return e;
    }
    if (!b->text || !*b->text) continue;
    size_t kl = b->keyword ? strlen(b->keyword) : 0;
    if (b->keyword && b->keyword[0] != '/' && cat3(bm, sizeof bm, b->keyword, kl, ".", 1, b->text, strlen(b->text)) &&
        cat3(bm + strlen(bm), sizeof bm - strlen(bm), dot, strlen(dot), "", 0, "", 0)) {
      const al_kb_entry *e = al_kb_match(al_kb_for(f->lang), section, bm);
      if (e) return e;
    }
    if (!cat3(bm, sizeof bm, b->text, strlen(b->text), dot, strlen(dot), "", 0)) continue;
    if (!b->keyword && f->lang == AL_LANG_JS) { /* a global class's (`extends Promise`: Promise.resolve) */
      const al_kb_entry *e = al_kb_match(al_kb_for(f->lang), section, bm);
      if (e) return e;
    }
    const al_kb_entry *e = kb_inherited(idx, f, section, b->keyword ? b->keyword : module, bm, depth + 1);
    if (e) return e;
  }
  return NULL;
}

/* member "E.m" of module: m on the type of the module's typed value E; or member "m"
 * (a default import called through) on its default value's type. */
static const al_kb_entry *value_method_api(const al_index *idx, al_lang lang, const char *module, const char *member,
                                           const char *section);

/* The same with leading members moved into the module (Python `from pkg import mod`:
 * `mod.http.get` is module pkg.mod's value http), a few levels; JavaScript one (a
 * class's static field: `Services.pool.query` is the value pool of "module.Services"). */
static const al_kb_entry *value_api_moved(const al_index *idx, al_lang lang, const char *module, const char *member,
                                          const char *section) {
  if (!values_possible(idx)) return NULL;
  const al_kb_entry *e = value_method_api(idx, lang, module, member, section);
  char mod[2][512];
  const char *dot;
  for (int k = 0; !e && k < (lang == AL_LANG_PYTHON ? 3 : 1) && (dot = strchr(member, '.')) && strchr(dot + 1, '.'); k++) {
    if (snprintf(mod[k & 1], sizeof mod[0], "%s.%.*s", module, (int)(dot - member), member) >= (int)sizeof mod[0])
      break;
    module = mod[k & 1];
    member = dot + 1;
    e = value_method_api(idx, lang, module, member, section);
  }
  return e;
}

/* The module-level typed value e[0, el) of module (its ASSIGN copy), or NULL. */
static const ir_node *typed_value(const al_index *idx, const char *module, const char *e, size_t el) {
  char key[512];
  if (!values_possible(idx) || !cat3(key, sizeof key, module, strlen(module), KEY_SEP "=", 2, e, el)) return NULL;
  const ir_node *v = index_get(idx, &idx->promisified, key);
  return v && v->kind == IR_ASSIGN ? v : NULL;
}

static const al_kb_entry *value_method_api(const al_index *idx, al_lang lang, const char *module, const char *member,
                                           const char *section) {
  if (!values_possible(idx)) return NULL;
  char name[512];
  const char *dot = strchr(member, '.');
  for (int pass = 0; pass < (lang == AL_LANG_JS ? 2 : 1); pass++) {
    const char *e = pass == 0 ? member : "default";
    size_t el = pass == 0 ? (dot ? (size_t)(dot - member) : 0) : 7;
    const char *rest = pass == 0 ? (dot ? dot + 1 : NULL) : member;
    if (!el || !rest) continue;
    /* `m(await).x`: x of what the value's m resolves to (knowledge `resolves`: `const
     * user = await User.findById(id); user.save()` with User an exported model) */
    const char *aw = strstr(rest, "(await).");
    size_t ml = aw ? (size_t)(aw - rest) : 0;
    if (aw ? (!ml || memchr(rest, '(', ml) || strpbrk(aw + 8, "(.")) : strchr(rest, '(') != NULL) continue;
    const ir_node *v = typed_value(idx, module, e, el);
    if (!v || !v->type) continue;
    const char *type = v->type;
    if (aw) {
      if (snprintf(name, sizeof name, "%s.%.*s", v->type, (int)ml, rest) >= (int)sizeof name) continue;
      const al_kb_entry *res = al_kb_match(al_kb_for(lang), "resolves", name);
      if (!(type = res ? al_kb_attr(res, "type") : NULL)) continue;
      rest = aw + 8;
    }
    if (snprintf(name, sizeof name, "%s.%s", type, rest) >= (int)sizeof name) continue;
    const al_kb_entry *r = al_kb_match(al_kb_for(lang), section, name);
    if (r) return r;
  }
  return NULL;
}

/* member "C.a.m" of module, where class C has bases: the value a base class in another
 * module gives its attribute a (`self.http = httpx.AsyncClient()` in the base's
 * __init__, `this.repo = new Repo()` in its constructor: see the summary's values),
 * bases followed up to MAX_BASE_DEPTH; NULL when none. */
static const ir_node *inherited_attr(const al_index *idx, al_lang lang, const char *module, const char *member,
                                     int depth) {
  const char *d1 = strchr(member, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  if (!d2 || strchr(d2 + 1, '.') || !module || depth >= MAX_BASE_DEPTH || !values_possible(idx)) return NULL;
  const ir_node *cls = class_with_bases(idx, module, member, d1, false);
  for (uint32_t i = 0; cls && i < cls->nargs; i++) {
    const ir_arg *b = &cls->args[i];
    if (!b->text || !*b->text || strchr(b->text, '(')) continue;
    /* the base's module: where it was imported from (Python `base.Base` of `from pkg import
     * base`: its leading members move into the module) */
    char bmod[512], bmem[512], cm[600];
    const char *bm = b->keyword ? b->keyword : module, *bn = b->text, *bdot = strrchr(bn, '.');
    if (bdot) {
      if (snprintf(bmod, sizeof bmod, "%s.%.*s", bm, (int)(bdot - bn), bn) >= (int)sizeof bmod) continue;
      bm = bmod;
      bn = bdot + 1;
    }
    if (lang == AL_LANG_JS && bm[0] != '/') continue; /* a package's class: kb_inherited's */
    if (snprintf(cm, sizeof cm, "%s.%s", bm, bn) >= (int)sizeof cm) continue;
    const ir_node *v = typed_value(idx, cm, d1 + 1, (size_t)(d2 - d1 - 1));
    if (v) return v;
    if (snprintf(bmem, sizeof bmem, "%s%s", bn, d1) >= (int)sizeof bmem) continue;
    if ((v = inherited_attr(idx, lang, bm, bmem, depth + 1))) return v;
  }
  return NULL;
}

const al_kb_entry *al_index_inherited_api(const al_index *idx, const ir_file *f, const ir_node *call,
                                          const char *section) {
  if (f->lang == AL_LANG_C || !call->name) return NULL;
  const char *module = call->module ? call->module : f->module, *member = call->member ? call->member : call->name;
  const al_kb_entry *e = kb_inherited(idx, f, section, module, member, 0);
  const ir_node *v = !e && (call->flags & IR_F_SELF) ? inherited_attr(idx, f->lang, module, member, 0) : NULL;
  char name[512];
  if (v && v->type && snprintf(name, sizeof name, "%s%s", v->type, strrchr(member, '.')) < (int)sizeof name)
    e = al_kb_match(al_kb_for(f->lang), section, name);
  return e;
}

const al_kb_entry *al_index_library_base(const al_index *idx, const ir_file *f, const char *module, const char *cls,
                                         const char *section, const char *unless_defines, int depth) {
  if (!idx || !module || !cls || depth >= MAX_BASE_DEPTH) return NULL;
  char member[512]; /* "Class.-": class_with_bases takes a method's name */
  size_t cl = strlen(cls);
  if (cl + 3 > sizeof member) return NULL;
  memcpy(member, cls, cl);
  memcpy(member + cl, ".-", 3);
  const ir_node *c = class_with_bases(idx, module, member, member + cl, false);
  const char *dot = c ? NULL : strchr(cls, '.');
  if (dot) { /* `base.BaseTest` with `from tests import base`: class BaseTest of module tests.base */
    char mod[512];
    if (snprintf(mod, sizeof mod, "%s.%.*s", module, (int)(dot - cls), cls) >= (int)sizeof mod) return NULL;
    return al_index_library_base(idx, f, mod, dot + 1, section, unless_defines, depth + 1);
  }
  /* a class on the way that defines one of unless_defines (a test case that runs its
   * coroutine methods itself: `run`, `_callTestMethod`) ends the search */
  for (const char *m = unless_defines; c && m && *m;) {
    size_t ml = strcspn(m, " ");
    char cm[512];
    if (ml && cl + 1 + ml < sizeof cm) {
      memcpy(cm, cls, cl);
      cm[cl] = '.';
      memcpy(cm + cl + 1, m, ml);
      cm[cl + 1 + ml] = 0;
      if (lookup(idx, module, cm)) return NULL;
    }
    m += ml;
    while (*m == ' ') m++;
  }
  for (uint32_t i = 0; c && i < c->nargs; i++) {
    const ir_arg *b = &c->args[i];
    if (!b->text || !*b->text) continue;
    char full[512];
    const al_kb_entry *e = NULL;
    if (b->keyword && b->keyword[0] != '/' && al_join(full, sizeof full, b->keyword, '.', b->text))
      e = al_kb_find(al_kb_for(f->lang), section, full);
    if (!e && !b->keyword && f->lang == AL_LANG_JS) /* a global class (`extends Promise`) */
      e = al_kb_find(al_kb_for(f->lang), section, b->text);
    if (!e)
      e = al_index_library_base(idx, f, b->keyword ? b->keyword : module, b->text, section, unless_defines,
                                depth + 1);
    if (e) return e;
  }
  return NULL;
}

bool al_index_call_awaitable(const al_index *idx, const ir_file *f, const ir_node *call,
                             const al_func_info **fn, const al_kb_entry **api) {
  *fn = NULL;
  *api = NULL;
  if (f->lang == AL_LANG_C && kb_is_future_type(f, call->type)) {
    *fn = al_index_resolve(idx, f, call);
    *api = *fn ? NULL : al_kb_find(al_kb_for(f->lang), "awaitable", call->name);
    return true;
  }
  /* TypeScript: a call assigned to a local annotated as a promise (`const p:
   * Promise<T> = f()`): the front end sets its type */
  if (f->lang == AL_LANG_JS && call->type && al_kb_find(al_kb_for(f->lang), "promise_types", call->type)) return true;
  /* JS `new X()` makes an object, a promise only when X is the promise constructor
   * (`new Resolver()` of dns/promises is not one, whatever its module's wildcard says) */
  if (f->lang == AL_LANG_JS && (call->flags & IR_F_NEW)) {
    if (call->name && (*api = al_kb_find(al_kb_for(f->lang), "promise_types", call->name)))
      return (*api = kb_awaitable(f, call->name)) != NULL;
    /* `new Deferred(...)` of a project class that extends Promise */
    const char *module = call->module ? call->module : f->module, *member = call->member ? call->member : call->name;
    const al_kb_entry *base = member && module && !strchr(member, '(')
                                  ? al_index_library_base(idx, f, module, member, "promise_types", NULL, 0)
                                  : NULL;
    return base && (*api = kb_awaitable(f, base->name)) != NULL; /* (the base's own entry: Promise) */
  }
  /* A parameter typed as a function returning an awaitable (TypeScript `load: () =>
   * Promise<T>`, Python `load: Callable[[], Awaitable[T]]`) of an enclosing function,
   * called by its name */
  if (f->lang != AL_LANG_C && call->name && !call->module && !strchr(call->name, '.'))
    for (const ir_node *fn = ir_enclosing_func(call); fn; fn = ir_enclosing_func(fn))
      for (uint32_t i = 0; i < fn->nargs; i++)
        if (fn->args[i].text && !strcmp(fn->args[i].text, call->name)) {
          if (fn->args[i].flags & IR_ARG_PROMISE_FN) return true;
          goto not_param; /* a parameter of another type shadows any outer one */
        }
not_param:
  /* JS: x.then()/.catch()/.finally() on an awaitable is an awaitable too. */
  if (f->lang == AL_LANG_JS && call->child && call->child->kind == IR_CALL && call->child->use == IR_USE_CHAINED &&
      (al_ends_with(call->name, ".then") || al_ends_with(call->name, ".catch") ||
       al_ends_with(call->name, ".finally")))
    return al_index_call_awaitable(idx, f, call->child, fn, api);
  const al_func_info *info = al_index_resolve(idx, f, call);
  if (!info && (call->flags & IR_F_PROPERTY)) { /* a read, not a call of an API: unless the knowledge
                                                  * marks the property a getter of a promise (chai-as-promised) */
    *api = call->name ? kb_awaitable(f, call->name) : NULL;
    if (*api && !al_kb_attr_is(*api, "property", "true")) *api = NULL;
    return *api != NULL;
  }
  if (info) {
    *fn = info;
    /* JS dual APIs: `close(cb)` takes the callback form of a function that returns a
     * promise only without one (`if (cb === undefined) return new Promise(...)`) */
    if (f->lang == AL_LANG_JS && !(info->func->flags & IR_F_ASYNC) && call->nargs &&
        (call->args[call->nargs - 1].flags & IR_ARG_LAMBDA))
      return false;
    /* overloads that differ: the one the number of arguments picks */
    if (info->func->guard & IR_OVERLOAD_ARITY) {
      for (uint32_t i = 0; i < call->nargs; i++)
        if (call->args[i].flags & IR_ARG_SPREAD) return (info->flags & AL_FN_AWAITABLE) != 0;
      return (info->func->guard >> (call->nargs < 6 ? call->nargs : 6)) & 1;
    }
    /* `f(): Promise<T> | null`: a test or a comparison of the result decides something */
    if ((info->func->flags & (IR_F_MAYBE_PROMISE | IR_F_ASYNC)) == IR_F_MAYBE_PROMISE &&
        (call->use == IR_USE_CONDITION || call->use == IR_USE_OPERAND || call->use == IR_USE_FORMATTED ||
         call->use == IR_USE_ACCESSED))
      return false;
    return (info->flags & AL_FN_AWAITABLE) != 0;
  }
  if (call->name && (*api = kb_awaitable(f, call->name))) {
    /* a global API called by a bare name that a parameter or a local hides (`for (const
     * { fetch } of schemes) fetch(url, cb)`) */
    if (!call->module && call->text && !strpbrk(call->text, ".(") && f->lang != AL_LANG_C &&
        (param_named(call, call->text) || local_named(f, call, call->text))) {
      *api = NULL;
      return false;
    }
    /* `callback: last`: a function as the last argument takes the callback form */
    if (call->nargs && callback_arg(&call->args[call->nargs - 1]) && al_kb_attr(*api, "callback")) {
      *api = NULL;
      return false;
    }
    return true;
  }
  /* a method a project class inherits from a library class the knowledge names */
  if (call->name && strchr(call->name, '.') && (*api = al_index_inherited_api(idx, f, call, "awaitable"))) {
    if (call->nargs && callback_arg(&call->args[call->nargs - 1]) && al_kb_attr(*api, "callback")) {
      *api = NULL; /* the callback form, as above */
      return false;
    }
    return true;
  }
  /* a method of a typed value another module has (`import User from './user'` where that
   * module's default is mongoose.model(...): `User.findById()`; `from net import http`
   * with `http = httpx.AsyncClient()` there: `http.get(url)`) */
  if (call->module && call->member && f->lang != AL_LANG_C &&
      (*api = value_api_moved(idx, f->lang, call->module, call->member, "awaitable")))
    return true;
  /* JS: a module-level binding to util.promisify(...) yields promises */
  if (f->lang == AL_LANG_JS && call->name && !call->module && !strchr(call->name, '.') && f->module &&
      (idx->promisified.len || idx->spec || recording)) {
    char key[512];
    if (al_join(key, sizeof key, f->module, KEY_SEP[0], call->name) &&
        (*api = index_get(idx, &idx->promisified, key)))
      return true;
  }
  return false;
}

/* An argument condition of a knowledge entry: "N=VALUE" with N a position or `last`;
 * VALUE NULL matches a null-pointer argument. */
static bool arg_is(const ir_node *call, const char *cond) {
  const char *eq = strchr(cond, '=');
  if (!eq || !call->nargs) return false;
  uint32_t i = !strncmp(cond, "last", 4) ? call->nargs - 1 : (uint32_t)strtoul(cond, NULL, 10);
  if (i >= call->nargs) return false;
  const ir_arg *a = &call->args[i];
  if (!strcmp(eq + 1, "NULL")) return (a->flags & IR_ARG_NULL) || (a->text && !strcmp(a->text, "NULL"));
  return a->text && !strcmp(a->text, eq + 1);
}

/* The function around n makes its fds non-blocking: its source names one of the
 * knowledge `nonblocking_marks` (C: O_NONBLOCK, MSG_DONTWAIT, ...; Python:
 * `sock.setblocking(False)`, where a call raises BlockingIOError instead of waiting and
 * the caller waits on the loop, as anyio's connect_unix does). */
static bool nonblocking_fds(const ir_file *f, const ir_node *n) {
  const ir_node *fn = ir_enclosing_func(n);
  const al_kb_section *sec = fn ? al_kb_section_get(al_kb_for(f->lang), "nonblocking_marks") : NULL;
  for (size_t k = 0; sec && k < sec->entries.len; k++) {
    const char *m = ((const al_kb_entry *)sec->entries.items[k])->name;
    if (memmem(f->src->text + fn->span.start, fn->span.end - fn->span.start, m, strlen(m))) return true;
  }
  return false;
}

/* An entry with `stdin_arg: N` (or `last`) has variants `NAME@stdin`, `NAME@stdout`,
 * `NAME@stderr` for when that argument is a standard stream (knowledge `stdin_names`...:
 * `stdin`, `STDIN_FILENO`, fd 0, ...): `fgets(b, n, f)` is file I/O, `fgets(b, n, stdin)` waits for the terminal,
 * `fputs(s, stderr)` is a log line; Python `os.read(sys.stdin.fileno(), n)` and JS
 * `fs.readFileSync(0)` / `fs.readSync(process.stdin.fd, b)` read the terminal. */
static const al_kb_entry *stdin_variant(const ir_file *f, const ir_node *call, const al_kb_entry *e) {
  const char *sa = al_kb_attr(e, "stdin_arg");
  if (!sa || !call->nargs) return e;
  uint32_t i = !strcmp(sa, "last") ? call->nargs - 1 : (uint32_t)strtoul(sa, NULL, 10);
  const char *t = i < call->nargs ? call->args[i].text : NULL;
  if (!t) return e;
  const al_kb *kb = al_kb_for(f->lang);
  const char *which = al_kb_find(kb, "stdin_names", t)    ? "stdin"
                      : al_kb_find(kb, "stdout_names", t) ? "stdout"
                      : al_kb_find(kb, "stderr_names", t) ? "stderr"
                                                           : NULL;
  if (!which) return e;
  char key[128];
  snprintf(key, sizeof key, "%s@%s", e->name, which);
  const al_kb_entry *alt = al_kb_find(kb, "blocking", key);
  return alt ? alt : e;
}

/* e, the blocking entry matched for call, unless its attributes say this call does not
 * block (or it is not a blocking category at all). */
static const al_kb_entry *blocking_checked(const ir_file *f, const ir_node *call, const al_kb_entry *e) {
  if (!e) return NULL;
  e = stdin_variant(f, call, e);
  if (al_kb_attr(e, "iterated")) return NULL; /* blocking where a `for` iterates it, not here */
  const char *cat = al_kb_attr(e, "category"), *w = al_kb_attr(e, "with");
  if (!cat || !strcmp(cat, "none") || (w && (!strcmp(w, "true") || !strcmp(w, "submitted")))) return NULL;
  const char *only = al_kb_attr(e, "only_arg"); /* "last=NULL": blocking only then */
  if (only && !arg_is(call, only)) return NULL;
  const char *unless_at = al_kb_attr(e, "unless_arg_at"); /* "2=0": a zero timeout polls */
  if (unless_at && arg_is(call, unless_at)) return NULL;
  const char *unless = al_kb_attr(e, "unless_arg"); /* AI_NUMERICHOST, MSG_DONTWAIT, ... */
  for (uint32_t i = 0; unless && i < call->nargs; i++)
    if (call->args[i].text && strstr(call->args[i].text, unless)) return NULL;
  const char *fd = al_kb_attr(e, "fd_io");
  if (fd && !strcmp(fd, "true") && nonblocking_fds(f, call)) return NULL;
  return e;
}

/* The query_chains entry of a chain call that runs a query where it stands: a terminal
 * call, or a lazy queryset iterated by a (sync) `for` or read by a `consumers` call. */
static const al_kb_entry *query_chain(const ir_file *f, const ir_node *call) {
  char kind = 0;
  const al_kb_entry *e = al_kb_query_chain(f->lang, call->name, &kind);
  if (!e || kind == 't') return e;
  const ir_node *up = call->parent; /* a lazy queryset: executed when iterated or read */
  if (up && up->kind == IR_LOOP && up->child == call && !(up->flags & (IR_F_ASYNC | IR_F_WHILE))) return e;
  if (up && up->kind == IR_CALL && call->use == IR_USE_PASSED && up->name &&
      al_kb_word_in(al_kb_attr(e, "consumers"), up->name, strlen(up->name)))
    return e;
  return NULL;
}

const al_kb_entry *al_blocking_entry(const ir_file *f, const ir_node *call) {
  /* C: a call through a struct field (`c->ops->read(c)`) calls what was stored there,
   * not the library function its field is named like */
  if (f->lang == AL_LANG_C && (call->flags & IR_F_METHOD)) return NULL;
  const al_kb_entry *e = call->name ? al_kb_match(al_kb_for(f->lang), "blocking", call->name) : NULL;
  if (!e && f->lang == AL_LANG_PYTHON) e = query_chain(f, call);
  return blocking_checked(f, call, e);
}

/* `with: submitted`: the block's exit waits for the work submitted in it (an executor's
 * shutdown(wait=True)) — when the block hands it work through one of the entry's
 * `submits` methods (`ex.submit(f)`, `ex.map(f, xs)`) and awaits nothing, that work is
 * still running there. */
static bool exit_waits_for_work(const ir_node *with, const char *item, const char *submits) {
  size_t il = strlen(item);
  bool submitted = false;
  for (const ir_node *x = with->child; x; x = ir_next(x, with)) {
    if (x->kind == IR_AWAIT) return false;
    if (submitted || x->kind != IR_CALL || !x->name || strncmp(x->name, item, il) || x->name[il] != '.') continue;
    const char *m = x->name + il + 1;
    submitted = al_kb_word_in(submits, m, strlen(m));
  }
  return submitted;
}

const al_kb_entry *al_blocking_with(const ir_file *f, const ir_node *with, const char **item) {
  static __thread char buf[256];
  if ((with->flags & IR_F_ASYNC) || !with->name) return NULL;
  for (const char *s = with->name; *s;) {
    size_t n = strcspn(s, ",");
    if (n < sizeof buf) {
      memcpy(buf, s, n);
      buf[n] = 0;
      const al_kb_entry *e = al_kb_find(al_kb_for(f->lang), "blocking", buf);
      const char *w = e ? al_kb_attr(e, "with") : NULL;
      if (w && (!strcmp(w, "true") ||
                (!strcmp(w, "submitted") && exit_waits_for_work(with, buf, al_kb_attr(e, "submits"))))) {
        *item = buf;
        return e;
      }
    }
    s += n + (s[n] != 0);
  }
  return NULL;
}

const al_kb_entry *al_blocking_inherited(const ir_file *f, const al_index *idx, const ir_node *call) {
  if (!idx || !call->name || !strchr(call->name, '.') || f->lang == AL_LANG_C) return NULL;
  const al_kb_entry *e = al_index_inherited_api(idx, f, call, "blocking");
  if (!e && call->module && call->member) e = value_api_moved(idx, f->lang, call->module, call->member, "blocking");
  return blocking_checked(f, call, e);
}

bool al_loop_is_busy_wait(const ir_file *f, const ir_node *loop) {
  if (loop->kind != IR_LOOP || !(loop->flags & IR_F_WHILE) || !loop->body) return false;
  bool clock = false;
  const al_kb *kb = al_kb_for(f->lang);
  for (const ir_node *c = loop->child; c; c = ir_next(c, loop)) {
    if (c->kind == IR_AWAIT || c->kind == IR_FUNC) return false;
    if (c->kind != IR_CALL) continue;
    if (c->span.start >= loop->body) return false; /* the body does work */
    if (c->name && al_kb_find(kb, "clocks", c->name)) clock = true;
  }
  return clock;
}

/* Which synchronous functions block, directly or through other project functions
 * (depth-limited): the summary AL210 reports through. */
/* Depth 1: the function blocks by itself (a blocking API that is not a project function
 * of that name, a busy-wait loop, or an annotation). */
int al_guard_eval(uint8_t guard, const ir_node *via) {
  int p = IR_GUARD_PARAM(guard);
  if (!guard || !via || p < 0 || (uint32_t)p >= via->nargs) return 1;
  const ir_arg *a = &via->args[p];
  const char *t = a->text;
  if (!t) return 1;
  bool when_null = (guard & IR_GUARD_NULL) != 0;
  if (!strcmp(t, "NULL") || !strcmp(t, "0") || !strcmp(t, "nullptr") || !strcmp(t, "(void *)0") ||
      !strcmp(t, "((void *)0)") || !strcmp(t, "(void*)0") || !strcmp(t, "((void*)0)"))
    return when_null;
  if ((a->flags & IR_ARG_FUNC_REF) || t[0] == '&' || t[0] == '"' || (t[0] >= '1' && t[0] <= '9')) return !when_null;
  const ir_node *fn = ir_enclosing_func(via);
  for (uint32_t i = 0; fn && i < fn->nargs && i < 0x7f; i++)
    if (fn->args[i].text && !strcmp(fn->args[i].text, t)) return 2 + (int)i;
  return 1;
}

/* What a guarded call makes of the function it is in: blocking on the condition that
 * the guard, or the callee's own condition forwarded through an argument, names. */
static uint8_t edge_cond(const ir_node *call, const al_func_info *callee, bool *counts) {
  *counts = true;
  uint8_t cond = call->guard;
  if (callee && callee->block_cond) {
    int e = al_guard_eval(callee->block_cond, call);
    if (!e) {
      *counts = false; /* `store_get(key, on_done)` where store_get blocks only without a callback */
      return 0;
    }
    if (e >= 2 && !cond) cond = (uint8_t)((e - 1) | (callee->block_cond & IR_GUARD_NULL));
  }
  return cond;
}

static void own_blocking(const al_index *idx, al_func_info *info, const al_fn_summary *sum) {
  const ir_node *fn = info->func;
  if (fn->flags & (IR_F_ASYNC | IR_F_GENERATOR | IR_F_RETURNS_PROMISE)) return;
  if (fn->flags & IR_F_MAY_BLOCK) { /* annotated: blocks by intent */
    info->block_call = fn;
    info->block_depth = 1;
    return;
  }
  /* an unconditional site first; else one made only when a parameter is (not) NULL */
  for (int guarded = 0; guarded < 2; guarded++)
    for (uint32_t k = 0; k < sum->nsites; k++) {
      const ir_node *x = sum->sites[k];
      if ((x->kind == IR_CALL && x->guard) != (guarded == 1)) continue;
      if (x->kind == IR_LOOP) { /* a spin: block_api stays NULL */
        info->block_call = x;
        info->block_depth = 1;
        return;
      }
      if (sum->site_apis[k] && al_kb_attr(sum->site_apis[k], "direct")) continue; /* not through helpers */
      if (!al_index_resolve(idx, info->file, x)) {
        info->block_call = x;
        info->block_api = sum->site_apis[k];
        info->block_depth = 1;
        info->block_cond = x->guard;
        return;
      }
    }
  /* a blocking method inherited from a library class, or called on a typed value of
   * another module (`class Http(requests.Session)`: `self.get(url)`; `from net import
   * session`: `session.get(url)`): the summary kept these calls (they name the project),
   * the index answers what they are */
  for (int guarded = 0; guarded < 2; guarded++)
    for (uint32_t k = 0; k < sum->ncalls; k++) {
      const ir_node *x = sum->calls[k];
      if ((x->guard != 0) != (guarded == 1) || al_index_resolve(idx, info->file, x)) continue;
      const al_kb_entry *e = al_blocking_inherited(info->file, idx, x);
      if (!e || al_kb_attr(e, "direct")) continue;
      info->block_call = x;
      info->block_api = e;
      info->block_depth = 1;
      info->block_cond = x->guard;
      return;
    }
}

/* Depth `depth` of the blocking summary for info, over its calls to project functions
 * (calls[k] made to callees[k]): the first that blocks unconditionally, else the first
 * that blocks on a condition of info's parameters. Returns whether info now blocks. */
static bool blocks_through(al_func_info *info, const ir_node *const *calls, const al_func_info *const *callees,
                           size_t n, uint32_t depth) {
  for (int pass = 0; pass < 2; pass++)
    for (size_t k = 0; k < n; k++) {
      const al_func_info *callee = callees[k];
      if (!callee || callee == info || !callee->block_depth || callee->block_depth >= depth) continue;
      bool counts;
      uint8_t cond = edge_cond(calls[k], callee, &counts);
      if (!counts || (cond != 0) != (pass == 1)) continue;
      info->block_call = calls[k];
      info->block_via = callee;
      info->block_depth = depth;
      info->block_cond = cond;
      return true;
    }
  return false;
}

static void parallel_for(unsigned jobs, size_t n, size_t chunk, void (*fn)(void *, size_t, size_t), void *ctx);

typedef struct blocking_job {
  al_index *idx;
  const al_fn_summary *const *sums;
  size_t *first;                /* where record i's calls start in callees */
  const al_func_info **callees; /* what each call of a sync function that does not block itself resolves to */
} blocking_job;

static void blocking_part(void *ctx, size_t lo, size_t hi) {
  blocking_job *j = ctx;
  for (size_t i = lo; i < hi; i++) {
    al_func_info *info = j->idx->infos.items[i];
    own_blocking(j->idx, info, j->sums[i]);
    if (info->block_depth || (info->func->flags & (IR_F_ASYNC | IR_F_GENERATOR | IR_F_RETURNS_PROMISE))) continue;
    for (uint32_t k = 0; k < j->sums[i]->ncalls; k++)
      j->callees[j->first[i] + k] = al_index_resolve(j->idx, info->file, j->sums[i]->calls[k]);
  }
}

static void summarize_blocking(al_index *idx, const al_fn_summary *const *sums, unsigned jobs) {
  /* each record's own blocking and the project functions its calls resolve to: lookups
   * only, in parallel */
  size_t ninfos = idx->infos.len, ncalls = 0;
  size_t *first = al_malloc((ninfos + 1) * sizeof *first);
  for (size_t i = 0; i < ninfos; i++) {
    first[i] = ncalls;
    ncalls += sums[i]->ncalls;
  }
  first[ninfos] = ncalls;
  const al_func_info **resolved_to = al_calloc(ncalls ? ncalls : 1, sizeof *resolved_to);
  blocking_job job = {idx, sums, first, resolved_to};
  parallel_for(jobs, ninfos, 256, blocking_part, &job);
  /* Calls between project functions (the rounds below only follow these), kept in place */
  const ir_node **calls = al_malloc((ncalls ? ncalls : 1) * sizeof *calls);
  const al_func_info **callees = resolved_to;
  size_t nedges = 0;
  for (size_t i = 0; i < ninfos; i++) {
    size_t at = first[i];
    first[i] = nedges;
    for (uint32_t k = 0; k < sums[i]->ncalls; k++) {
      const al_func_info *callee = resolved_to[at + k];
      if (!callee || callee == idx->infos.items[i]) continue;
      calls[nedges] = sums[i]->calls[k];
      callees[nedges++] = callee; /* (nedges <= at + k: the copy never overtakes the reads) */
    }
  }
  first[ninfos] = nedges;
  for (uint32_t depth = 2; depth <= AL_BLOCK_MAX_DEPTH; depth++) {
    bool changed = false;
    for (size_t i = 0; i < ninfos; i++) {
      al_func_info *info = idx->infos.items[i];
      if (info->block_depth || first[i + 1] == first[i]) continue;
      changed |= blocks_through(info, calls + first[i], callees + first[i], first[i + 1] - first[i], depth);
    }
    if (!changed) break;
  }
  free(first);
  free(calls);
  free(resolved_to);
}

typedef struct fn_span {
  ir_node *func;
  size_t calls, returned, sites; /* where its entries start in the lists */
  uint32_t facts;
} fn_span;

/* One named function's entries: its own body in order, nested functions skipped (as the
 * blocking summary and the awaitable fixpoint read it). */
/* A call without a module resolves, if at all, to a function of its own file (the keys
 * al_index_resolve tries: module + member, module + outer.member): a call that matches
 * none of the file's function names (`own`) never resolves, so `calls` (which only
 * serves to follow project functions) leaves it out. */
static bool may_resolve(const ir_file *f, const al_map *own, const al_map *modules, const ir_node *call) {
  if (!own) return true;
  if (call->module) { /* it resolves into a module of the run, if at all */
    if (!modules || al_map_get(modules, call->module)) return true;
    char buf[512];
    if (f->lang == AL_LANG_JS) return !al_join(buf, sizeof buf, call->module, '/', "index") || al_map_get(modules, buf);
    /* Python: `import pkg` then pkg.sub.f() */
    size_t ml = strlen(call->module);
    if (!call->member || ml + strlen(call->member) + 2 > sizeof buf) return true;
    memcpy(buf, call->module, ml);
    buf[ml] = '.';
    for (const char *m = call->member, *dot; (dot = strchr(m, '.')); m = dot + 1) {
      size_t at = (size_t)(m - call->member) + ml + 1;
      memcpy(buf + at, m, (size_t)(dot - m));
      buf[at + (size_t)(dot - m)] = 0;
      if (al_map_get(modules, buf)) return true;
      buf[at + (size_t)(dot - m)] = '.';
    }
    return false;
  }
  if (!call->member || !*call->member) return false;
  if (al_map_get(own, call->member)) return true;
  const char *last = strrchr(call->member, '.'); /* Class.m of a class with bases: the index asks them */
  if (last) {
    char key[512];
    size_t n = (size_t)(last - call->member);
    if (n + 2 <= sizeof key) {
      memcpy(key, call->member, n);
      key[n] = KEY_SEP[0];
      key[n + 1] = 0;
      if (al_map_get(own, key)) return true;
    }
  }
  for (const ir_node *p = ir_enclosing_func(call); p; p = ir_enclosing_func(p)) {
    if ((p->flags & IR_F_LAMBDA) || !p->name) continue;
    char buf[512];
    if (!al_join(buf, sizeof buf, p->name, '.', call->member) || al_map_get(own, buf)) return true;
  }
  return false;
}

static void summarize_fn(const ir_file *f, const ir_node *fn, const al_map *own, const al_map *modules,
                         al_vec *calls, al_vec *returned, al_vec *sites, al_vec *apis) {
  for (const ir_node *x = fn->child; x; x = x->kind == IR_FUNC ? ir_next_skip(x, fn) : ir_next(x, fn)) {
    if (x->kind == IR_LOOP && al_loop_is_busy_wait(f, x)) {
      al_vec_push(sites, (void *)x);
      al_vec_push(apis, NULL);
    } else if (x->kind == IR_CALL) {
      if (may_resolve(f, own, modules, x)) al_vec_push(calls, (void *)x);
      if (x->use == IR_USE_RETURNED) al_vec_push(returned, (void *)x);
      const al_kb_entry *e = al_blocking_entry(f, x);
      if (e) {
        al_vec_push(sites, (void *)x);
        al_vec_push(apis, (void *)e);
      }
    } else if (x->kind == IR_WITH) { /* `with ProcessPoolExecutor() as p: p.map(...)` */
      const char *item;
      const al_kb_entry *e = al_blocking_with(f, x, &item);
      if (e) {
        al_vec_push(sites, (void *)x);
        al_vec_push(apis, (void *)e);
      }
    }
  }
}

/* (a lambda is indexed when it has a name: Python's `cb = lambda: ...`) */
static bool indexed_func(const ir_node *x) {
  return x->kind == IR_FUNC && x->name && (!(x->flags & IR_F_LAMBDA) || x->name[0] != '<');
}

/* ---- the summary IR: copies of what the index and other files' rules read ---- */

/* original node -> its copy (open addressing on the pointer) */
typedef struct copy_map {
  const ir_node **from;
  ir_node **to;
  size_t cap, len;
  al_map strs; /* a string's one copy in the summary IR (keys borrowed: the copies) */
  al_map args; /* an argument array's one copy (copy_args_once's keys) */
} copy_map;

static size_t copy_slot(const copy_map *m, const ir_node *n) {
  size_t h = (size_t)(((uintptr_t)n >> 4) * 0x9e3779b97f4a7c15ull) & (m->cap - 1);
  while (m->from[h] && m->from[h] != n) h = (h + 1) & (m->cap - 1);
  return h;
}

static void copy_map_put(copy_map *m, const ir_node *n, ir_node *c) {
  if (2 * (m->len + 1) > m->cap) {
    copy_map old = *m;
    m->cap = old.cap ? old.cap * 2 : 64;
    m->from = al_calloc(m->cap, sizeof *m->from);
    m->to = al_calloc(m->cap, sizeof *m->to);
    m->len = 0;
    for (size_t i = 0; i < old.cap; i++)
      if (old.from[i]) copy_map_put(m, old.from[i], old.to[i]);
    free(old.from);
    free(old.to);
  }
  size_t h = copy_slot(m, n);
  if (!m->from[h]) m->len++;
  m->from[h] = n;
  m->to[h] = c;
}

static ir_node *copy_map_get(const copy_map *m, const ir_node *n) {
  if (!m->cap) return NULL;
  size_t h = copy_slot(m, n);
  return m->from[h] ? m->to[h] : NULL;
}

static const char *copy_str(ir_file *s, const char *x) { return x ? ir_str(s, x, strlen(x)) : NULL; }

/* The same, one copy per summary: a file's calls repeat names, callee texts and the
 * modules they resolve to (JS corpus: 2.8 MB of strings, 1.3 MB of them distinct within
 * their file). */
static const char *copy_str_once(ir_file *s, copy_map *m, const char *x) {
  if (!x) return NULL;
  const char *c = al_map_get(&m->strs, x);
  if (!c) {
    c = copy_str(s, x);
    al_map_put_borrowed(&m->strs, c, (void *)c);
  }
  return c;
}

/* v's items as an array in s's arena (NULL when empty): the summary's lists outlive v. */
static const void **arena_list(ir_file *s, const al_vec *v) {
  if (!v->len) return NULL;
  const void **a = al_arena_alloc(&s->arena, v->len * sizeof *a);
  memcpy(a, v->items, v->len * sizeof *a);
  return a;
}

/* The arguments of a summary node whose arguments carry nothing (all a summary keeps of
 * an argument is its flags and keyword): nobody writes to a summary's arguments. */
#define PLAIN_ARGS 64
static const ir_arg plain_args[PLAIN_ARGS];

/* x's arguments as a summary keeps them (flags and keyword), one copy per summary of each
 * such array: most are one of a few shapes (JS corpus: 932 KB of them, 272 KB distinct
 * within their file). */
static ir_arg *copy_args_once(ir_file *s, copy_map *m, const ir_node *x) {
  const char *kw[PLAIN_ARGS];
  char key[PLAIN_ARGS * 24 + 1], *k = key;
  bool keyed = x->nargs <= PLAIN_ARGS;
  for (uint32_t i = 0; i < x->nargs && keyed; i++) {
    kw[i] = copy_str_once(s, m, x->args[i].keyword);
    /* the flags and the keyword's copy (one per summary: its address names it), in hex */
    uint64_t parts[2] = {x->args[i].flags, (uint64_t)(uintptr_t)kw[i]};
    for (int p = 0; p < 2; p++)
      for (int b = p ? 60 : 28; b >= 0; b -= 4) *k++ = "0123456789abcdef"[(parts[p] >> b) & 15];
  }
  *k = 0;
  ir_arg *a = keyed ? al_map_get(&m->args, key) : NULL;
  if (a) return a;
  a = al_arena_alloc(&s->arena, x->nargs * sizeof *a);
  for (uint32_t i = 0; i < x->nargs; i++) {
    a[i].flags = x->args[i].flags;
    a[i].keyword = keyed ? kw[i] : copy_str_once(s, m, x->args[i].keyword);
  }
  if (keyed) al_map_put(&m->args, key, a);
  return a;
}

/* A node's own fields (strings copied once per summary; arguments keep their flags and
 * keyword only) under parent in the summary IR. */
static ir_node *copy_node(ir_file *s, copy_map *m, ir_node *parent, const ir_node *x) {
  ir_node *c = ir_add(s, parent, (ir_kind)x->kind, x->span);
  c->use = x->use;
  c->flags = x->flags;
  c->body = x->body;
  if (x->kind == IR_FUNC) c->guard = x->guard; /* (TypeScript overloads) */
  c->name = copy_str_once(s, m, x->name);
  c->module = copy_str_once(s, m, x->module);
  c->member = copy_str_once(s, m, x->member);
  c->alias = copy_str_once(s, m, x->alias);
  c->type = copy_str_once(s, m, x->type);
  c->text = copy_str_once(s, m, x->text);
  if ((x->kind == IR_CALL || x->kind == IR_FUNC) && x->nargs) { /* FUNC: parameters' type flags */
    c->nargs = x->nargs;
    bool plain = x->nargs <= PLAIN_ARGS;
    for (uint32_t i = 0; i < x->nargs && plain; i++) plain = !x->args[i].flags && !x->args[i].keyword;
    if (plain) { /* no flags, no keywords (most of them): one shared, read-only block */
      c->args = (ir_arg *)plain_args;
    } else {
      c->args = copy_args_once(s, m, x);
    }
  }
  return c;
}

/* The copy of a function, with the functions around it (name lookups walk them). */
static ir_node *copy_func(ir_file *s, copy_map *m, const ir_node *fn) {
  ir_node *c = copy_map_get(m, fn);
  if (c) return c;
  const ir_node *up = ir_enclosing_func(fn);
  c = copy_node(s, m, up ? copy_func(s, m, up) : s->root, fn);
  copy_map_put(m, fn, c);
  return c;
}

/* A call (or loop) of fn's body: once, with the chain below it that a JS
 * .then()/.catch() resolves through. */
static ir_node *copy_site(ir_file *s, copy_map *m, ir_node *fc, const ir_node *x) {
  ir_node *c = copy_map_get(m, x);
  if (c) return c;
  c = copy_node(s, m, fc, x);
  copy_map_put(m, x, c);
  ir_node *at = c;
  for (const ir_node *k = x->child; k && k->kind == IR_CALL && k->use == IR_USE_CHAINED; k = k->child)
    at = copy_node(s, m, at, k);
  return c;
}

static void copy_list(ir_file *s, copy_map *m, ir_node *fc, const ir_node **list, size_t n) {
  for (size_t i = 0; i < n; i++) list[i] = copy_site(s, m, fc, list[i]);
}

static _Thread_local al_summary_store *store;
static _Thread_local al_arena *store_arena;
static _Thread_local uint64_t store_serial;

void al_summary_store_init(al_summary_store *st) {
  static atomic_uint_fast64_t serials;
  memset(st, 0, sizeof *st);
  pthread_mutex_init(&st->lock, NULL);
  st->serial = atomic_fetch_add(&serials, 1) + 1;
}

void al_summary_store_use(al_summary_store *st) { store = st; }

/* This thread's arena in the store in use (made on first use). */
static al_arena *store_take(void) {
  if (store_arena && store_serial == store->serial) return store_arena;
  al_arena *a = al_calloc(1, sizeof *a);
  al_arena_init(a);
  pthread_mutex_lock(&store->lock);
  al_vec_push(&store->arenas, a);
  pthread_mutex_unlock(&store->lock);
  store_arena = a;
  store_serial = store->serial;
  return a;
}

size_t al_summary_store_bytes(al_summary_store *st) {
  size_t n = 0;
  for (size_t i = 0; i < st->arenas.len; i++) n += al_arena_bytes(st->arenas.items[i]);
  return n;
}

void al_summary_store_free(al_summary_store *st) {
  for (size_t i = 0; i < st->arenas.len; i++) {
    al_arena_free(st->arenas.items[i]);
    free(st->arenas.items[i]);
  }
  al_vec_free(&st->arenas);
  pthread_mutex_destroy(&st->lock);
  memset(st, 0, sizeof *st);
}

/* A Python value written as a literal — a number, a string, None/True/False, a list, dict
 * or set display — never an awaitable. (Parenthesised expressions are not: `(f())`.) */
static bool py_literal_value(const char *t, uint32_t i, uint32_t end) {
  if (i >= end) return false;
  char c = t[i];
  if ((c >= '0' && c <= '9') || c == '"' || c == '\'' || c == '[' || c == '{') return true;
  if (c == '-' && i + 1 < end && t[i + 1] >= '0' && t[i + 1] <= '9') return true;
  /* string prefixes: f"", b'', r"", rb"" ... */
  uint32_t j = i;
  while (j < end && j < i + 2 && strchr("fFbBrRuU", t[j])) j++;
  if (j > i && j < end && (t[j] == '"' || t[j] == '\'')) return true;
  static const char *const words[] = {"None", "True", "False"};
  for (size_t k = 0; k < 3; k++) {
    size_t n = strlen(words[k]);
    if (i + n <= end && !strncmp(t + i, words[k], n) &&
        (i + n == end || !(isalnum((unsigned char)t[i + n]) || t[i + n] == '_' || t[i + n] == '.')))
      return true;
  }
  return false;
}

/* A JavaScript value written as a literal: a number, a string or template, true/false/
 * null/undefined, an array (not an object literal: it may be a thenable). */
static bool js_literal_value(const char *t, uint32_t i, uint32_t end) {
  if (i >= end) return false;
  char c = t[i];
  if ((c >= '0' && c <= '9') || c == '"' || c == '\'' || c == '`' || c == '[') return true;
  if (c == '-' && i + 1 < end && t[i + 1] >= '0' && t[i + 1] <= '9') return true;
  static const char *const words[] = {"true", "false", "null", "undefined"};
  for (size_t k = 0; k < 4; k++) {
    size_t n = strlen(words[k]);
    if (i + n <= end && !strncmp(t + i, words[k], n) &&
        (i + n == end || !(isalnum((unsigned char)t[i + n]) || t[i + n] == '_' || t[i + n] == '$' || t[i + n] == '.')))
      return true;
  }
  return false;
}

/* A plain function — not async, not a generator, not decorated, not a lambda (JS: with
 * a block body, no promise return type) — each of whose `return`s (outside nested
 * functions) has no value or a literal one: calling it gives None/undefined, a number, a
 * string, a list ... never an awaitable. AL_FN_RETURNS_VALUE: one of them has a value
 * other than None/null/undefined. JavaScript needs one (awaiting a void function is the
 * deliberate tick `await undefined` is); Python does not (awaiting None raises). */
static uint32_t returns_plain_value(const ir_file *f, const ir_node *fn) {
  bool js = f->lang == AL_LANG_JS;
  if (fn->flags & (IR_F_ASYNC | IR_F_GENERATOR | IR_F_DECORATED | IR_F_LAMBDA | IR_F_RETURNS_PROMISE)) return 0;
  /* TypeScript: declared to return a primitive (`(): number`), whatever the body */
  if (js && fn->type) return AL_FN_RETURNS_PLAIN | AL_FN_RETURNS_VALUE;
  const char *t = f->src->text;
  if (js && (!fn->body || fn->body >= f->src->len || t[fn->body] != '{')) return 0; /* `() => expr`: no returns */
  uint32_t facts = AL_FN_RETURNS_PLAIN;
  for (const ir_node *r = fn->child; r; r = r->kind == IR_FUNC ? ir_next_skip(r, fn) : ir_next(r, fn)) {
    if (r->kind != IR_RETURN) continue;
    uint32_t i = r->span.start + 6;
    while (i < r->span.end && (t[i] == ' ' || t[i] == '\t')) i++;
    if (i >= r->span.end || t[i] == (js ? '}' : '#') || t[i] == '\n' || t[i] == ';') continue;
    if (!(js ? js_literal_value : py_literal_value)(t, i, r->span.end)) return 0;
    if (js ? strncmp(t + i, "null", 4) && strncmp(t + i, "undefined", 9) : strncmp(t + i, "None", 4) != 0)
      facts |= AL_FN_RETURNS_VALUE;
  }
  return !js || (facts & AL_FN_RETURNS_VALUE) ? facts : AL_FN_RETURNS_NOTHING;
}

/* The lists are gathered in growable scratch, then the summary is laid out in one
 * block of exactly the size it needs (one free). */
/* fn takes a parameter that reports readiness (knowledge `readiness_params`: trio's and
 * anyio's `task_status`). */
static bool readiness_param(const ir_node *fn) {
  const al_kb_section *sec = al_kb_section_get(al_kb_for(AL_LANG_PYTHON), "readiness_params");
  for (size_t k = 0; sec && k < sec->entries.len; k++) {
    const char *p = ((const al_kb_entry *)sec->entries.items[k])->name;
    if (ir_has_param(fn, p, strlen(p))) return true;
  }
  return false;
}

/* The package type a call assigned to an instance attribute makes: what the knowledge
 * says it returns (`returns`), else the class it constructs (JS `new pg.Pool()`, Python
 * `httpx.AsyncClient()`: a capitalised last name); NULL when unknown. */
static const char *instance_type(const ir_file *f, const ir_node *call) {
  const al_kb_entry *e = al_kb_match(al_kb_for(f->lang), "returns", call->name);
  const char *t = e ? al_kb_attr(e, "type") : NULL;
  if (t) return t;
  if (call->module && call->module[0] == '/') return NULL; /* a project class: not the knowledge's */
  if (!strchr(call->name, '.') || strchr(call->name, '(')) return NULL;
  if (f->lang == AL_LANG_JS) return (call->flags & IR_F_NEW) ? call->name : NULL;
  return al_capitalised_last(call->name) ? call->name : NULL;
}

void al_index_summarize(ir_file *f, const al_map *modules) {
  al_vec calls = {0}, returned = {0}, sites = {0}, apis = {0};
  fn_span *spans = NULL;
  size_t nfns = 0, cap = 0;
  al_map own = {0}; /* the names the file's functions are indexed under */
  al_vec bases = {0}; /* classes naming base classes (in the same walk) */
  if (f->lang != AL_LANG_C) {
    ir_kinds_iter it = ir_kinds(f, IR_KINDS(IR_FUNC, IR_CLASS)); /* (each kind in source order) */
    for (ir_node *x; (x = ir_kinds_next(&it));) {
      if (indexed_func(x)) {
        al_map_put_borrowed(&own, x->name, x); /* names in f: they outlive the map */
        if (x->alias) al_map_put_borrowed(&own, x->alias, x);
      } else if (x->kind == IR_CLASS && x->nargs && x->name) {
        al_vec_push(&bases, x);
        /* "Class KEY_SEP": its methods may come from a base outside the project */
        al_map_put_borrowed(&own, al_arena_fmt(&f->arena, "%s" KEY_SEP, x->name), x);
      }
    }
  }
  for (ir_node *const *at = ir_of_kind(f, IR_FUNC); *at; at++) {
    ir_node *x = *at;
    if (!indexed_func(x)) continue;
    if (nfns == cap) {
      cap = cap ? cap * 2 : 16;
      spans = al_realloc(spans, cap * sizeof *spans);
    }
    uint32_t facts = al_acquires_limiter(f, x) ? AL_FN_LIMITED : 0;
    if ((x->flags & IR_F_ASYNC) && al_func_handles_errors(x)) facts |= AL_FN_HANDLES_ERRORS;
    if (f->lang != AL_LANG_C) facts |= returns_plain_value(f, x);
    if (f->lang == AL_LANG_PYTHON && (x->flags & IR_F_ASYNC) && x->nargs && readiness_param(x)) facts |= AL_FN_STARTABLE;
    spans[nfns++] = (fn_span){x, calls.len, returned.len, sites.len, facts};
    summarize_fn(f, x, f->lang != AL_LANG_C ? &own : NULL, modules, &calls, &returned, &sites, &apis);
  }
  size_t nptr = calls.len + returned.len + sites.len + apis.len;
  al_summary *sum = al_malloc(sizeof *sum + nfns * sizeof(al_fn_summary) + nptr * sizeof(void *));
  sum->fns = (al_fn_summary *)(sum + 1);
  sum->nfns = nfns;
  sum->of = f;
  sum->ir = f;
  const void **out = (const void **)(sum->fns + nfns);
  const void **c0 = out, **r0 = c0 + calls.len, **s0 = r0 + returned.len, **a0 = s0 + sites.len;
  if (calls.len) memcpy(c0, calls.items, calls.len * sizeof *c0);
  if (returned.len) memcpy(r0, returned.items, returned.len * sizeof *r0);
  if (sites.len) memcpy(s0, sites.items, sites.len * sizeof *s0);
  if (apis.len) memcpy(a0, apis.items, apis.len * sizeof *a0);
  for (size_t i = 0; i < nfns; i++) {
    fn_span *sp = &spans[i];
    size_t ce = i + 1 < nfns ? spans[i + 1].calls : calls.len, re = i + 1 < nfns ? spans[i + 1].returned : returned.len,
           se = i + 1 < nfns ? spans[i + 1].sites : sites.len;
    sum->fns[i] = (al_fn_summary){.func = sp->func,
                                  .calls = (const ir_node **)c0 + sp->calls,
                                  .returned = (const ir_node **)r0 + sp->returned,
                                  .sites = (const ir_node **)s0 + sp->sites,
                                  .site_apis = (const al_kb_entry **)a0 + sp->sites,
                                  .ncalls = (uint32_t)(ce - sp->calls),
                                  .nreturned = (uint32_t)(re - sp->returned),
                                  .nsites = (uint32_t)(se - sp->sites),
                                  .facts = sp->facts};
  }
  free(spans);
  al_map_free(&own);
  al_vec_free(&calls);
  al_vec_free(&returned);
  al_vec_free(&sites);
  al_vec_free(&apis);
  if (f->lang != AL_LANG_C) {
    /* the summary IR: the lists are re-pointed at copies */
    al_source *src = (al_source *)f->src;
    ir_file *s = al_calloc(1, sizeof *s);
    s->serial = f->serial;
    if (store) s->arena = *store_take(); /* borrowed: handed back below */
    else al_arena_init(&s->arena);
    s->src = src;
    s->lang = f->lang;
    s->module = f->module ? al_arena_strdup(&s->arena, f->module) : NULL;
    s->root = ir_add(s, NULL, IR_FILE, f->root->span);
    s->root->name = copy_str(s, f->root->name);
    copy_map m = {0};
    for (size_t i = 0; i < nfns; i++) {
      al_fn_summary *fs = &sum->fns[i];
      ir_node *fc = copy_func(s, &m, fs->func);
      copy_list(s, &m, fc, fs->calls, fs->ncalls);
      copy_list(s, &m, fc, fs->returned, fs->nreturned);
      copy_list(s, &m, fc, fs->sites, fs->nsites);
      fs->func = fc;
    }
    free(m.from);
    free(m.to);
    al_map_free(&m.strs);
    al_map_free(&m.args);
    sum->ir = s;
  }
  sum->prom_names = NULL;
  sum->prom_apis = NULL;
  sum->nprom = 0;
  if (f->lang == AL_LANG_JS && f->module) { /* `const readP = util.promisify(fs.readFile)` */
    const al_kb *kb = al_kb_for(f->lang);
    al_vec names = {0}, apis = {0};
    for (const ir_node *x = f->root->child; x; x = x->next) {
      const al_kb_entry *e;
      if (x->kind != IR_ASSIGN || !x->name || !x->child || x->child->kind != IR_CALL || !x->child->name ||
          !(e = al_kb_find(kb, "promisifiers", x->child->name)))
        continue;
      al_vec_push(&names, (void *)copy_str(sum->ir, x->name));
      al_vec_push(&apis, (void *)e);
    }
    sum->prom_names = (const char **)arena_list(sum->ir, &names);
    sum->prom_apis = (const al_kb_entry **)arena_list(sum->ir, &apis);
    sum->nprom = names.len;
    al_vec_free(&names);
    al_vec_free(&apis);
  }
  sum->values = NULL;
  sum->nvalues = 0;
  if (f->lang != AL_LANG_C && f->module) {
    al_vec vals = {0};
    for (const ir_node *t = f->root->child; t; t = t->next) {
      /* module-level values, and a module-level class's attributes (Python `class
       * Services: http = httpx.AsyncClient()`, JS `static pool = new Pool()`: "Services.http",
       * for `Services.http.get()`) */
      bool cls = t->kind == IR_CLASS && t->name;
      for (const ir_node *x = cls ? t->child : t; x; x = cls ? x->next : NULL) {
        if (x->kind != IR_ASSIGN || !x->name || (!x->type && !x->member)) continue;
        ir_node *v = ir_add(sum->ir, sum->ir->root, IR_ASSIGN, x->span);
        v->name = cls ? al_arena_fmt(&sum->ir->arena, "%s.%s", t->name, x->name) : copy_str(sum->ir, x->name);
        v->type = copy_str(sum->ir, x->type);
        v->module = copy_str(sum->ir, x->module);
        v->member = copy_str(sum->ir, x->member);
        v->flags = x->flags;
        al_vec_push(&vals, v);
      }
    }
    /* a module-level class's instance attributes, typed by the call assigned to them in
     * its methods (`self.http = httpx.AsyncClient()`, `this.pool = new pg.Pool()`): "C.a"
     * too, for a subclass in another module (`self.http.get()` there); the class body's
     * own attributes above come first */
    const char *self = f->lang == AL_LANG_PYTHON ? "self." : "this.";
    size_t sl = strlen(self);
    for (const ir_node *t = f->root->child; t; t = t->next) {
      if (t->kind != IR_CLASS || !t->name) continue;
      for (const ir_node *m = t->child; m; m = m->next) {
        if (m->kind != IR_FUNC) continue;
        for (const ir_node *x = m->child; x; x = ir_next(x, m)) {
          const char *attr = x->kind == IR_CALL && x->use == IR_USE_ASSIGNED && x->alias && x->name &&
                                     al_starts_with(x->alias, self) && !strchr(x->alias + sl, '.')
                                 ? x->alias + sl
                                 : NULL;
          const char *type = attr ? instance_type(f, x) : NULL;
          /* (or a class of the project: where it is, for its methods; a Python class's
           * module may be the project's or a package's, so both are kept) */
          bool project = attr && (!type || f->lang == AL_LANG_PYTHON) && x->module && x->member &&
                         !strchr(x->member, '(') &&
                         (f->lang == AL_LANG_JS ? x->module[0] == '/' && (x->flags & IR_F_NEW)
                                                : al_capitalised_last(x->member));
          if (!type && !project) continue;
          char *nm = al_arena_fmt(&sum->ir->arena, "%s.%s", t->name, attr);
          bool seen = false;
          for (size_t k = 0; k < vals.len && !seen; k++) seen = !strcmp(((const ir_node *)vals.items[k])->name, nm);
          if (seen) continue;
          ir_node *v = ir_add(sum->ir, sum->ir->root, IR_ASSIGN, x->span);
          v->name = nm;
          v->type = copy_str(sum->ir, type);
          if (project) {
            v->module = copy_str(sum->ir, x->module);
            v->member = copy_str(sum->ir, x->member);
          }
          al_vec_push(&vals, v);
        }
      }
    }
    sum->values = (const ir_node **)arena_list(sum->ir, &vals);
    sum->nvalues = vals.len;
    al_vec_free(&vals);
  }
  sum->classes = NULL;
  sum->nclasses = 0;
  if (f->lang != AL_LANG_C && f->module) { /* classes with bases, for inherited methods */
    al_vec cls = {0};
    for (size_t k = 0; k < bases.len; k++) {
      const ir_node *x = bases.items[k];
      ir_node *c = ir_add(sum->ir, sum->ir->root, IR_CLASS, x->span);
      c->name = copy_str(sum->ir, x->name);
      c->flags = x->flags;
      c->nargs = x->nargs;
      c->args = al_arena_alloc(&sum->ir->arena, x->nargs * sizeof *c->args);
      for (uint32_t i = 0; i < x->nargs; i++)
        c->args[i] = (ir_arg){.text = copy_str(sum->ir, x->args[i].text), .keyword = copy_str(sum->ir, x->args[i].keyword)};
      al_vec_push(&cls, c);
    }
    sum->classes = (const ir_node **)arena_list(sum->ir, &cls);
    sum->nclasses = cls.len;
    al_vec_free(&cls);
  }
  al_vec_free(&bases);
  if (store && sum->ir != f) { /* the store's arena gets its state back; the copy owns none */
    *store_arena = sum->ir->arena;
    memset(&sum->ir->arena, 0, sizeof sum->ir->arena);
  }
  f->summary = sum;
}

void al_summary_free(al_summary *s) {
  if (!s) return;
  if (s->ir && s->ir != s->of) ir_file_free(s->ir);
  free(s);
}

/* C: which functions run on the loop. A function passed as a callback to a registering
 * API (knowledge `registrations`: `on`/`off` argument positions) or annotated
 * ASYNCLINT_ON_LOOP / _OFF_LOOP gets IR_F_LOOP_CALLBACK / IR_F_OFF_LOOP; functions those
 * callbacks call (transitively, across files) get IR_F_LOOP_REACHED, unless they are
 * off-loop or annotated may-block. */
/* What a callback argument t names when it is a variable assigned a function before the
 * call in fn: `uv_timer_cb cb = on_tick; uv_timer_start(&t, cb, ...)` (each assignment
 * in turn, as they come). */
static bool fn_assign(const ir_node *a, const char *t) {
  return a->kind == IR_ASSIGN && a->member && a->name && !(a->flags & IR_F_METHOD) && !strcmp(a->name, t);
}

static const char *through_variable(const ir_file *f, const ir_node *fn, const ir_node *call, const char *t) {
  if (!fn) return t;
  if (fn->span.end - fn->span.start <= IR_SCAN_BYTES) {
    for (const ir_node *a = fn->child; a && a != call; a = ir_next(a, fn))
      if (fn_assign(a, t)) t = a->member;
    return t;
  }
  /* a long function (10,000 timers started in one): from the file's table of bindings */
  uint32_t from = 0;
  for (bool again = true; again;) {
    again = false;
    size_t count;
    const ir_binding *b = ir_bindings_of(f, t, strlen(t), &count);
    for (size_t i = 0; i < count && b[i].n->span.start < call->span.start; i++) {
      const ir_node *a = b[i].n;
      if (a->span.start < from || !fn_assign(a, t) || !ir_within(a, fn)) continue;
      t = a->member; /* then the assignments of that name after this one */
      from = a->span.start + 1;
      again = true;
      break;
    }
  }
  return t;
}

static void mark_position(al_index *idx, const ir_file *f, const ir_node *call, const char *list, uint32_t flag,
                          const al_kb_entry *api) {
  for (const char *s = list; s && *s;) {
    uint32_t pos = !strncmp(s, "last", 4) ? (call->nargs ? call->nargs - 1 : 0) : (uint32_t)strtoul(s, NULL, 10);
    if (pos < call->nargs && call->args[pos].text) {
      const char *t = call->args[pos].text;
      while (*t == '&' || *t == '(' || *t == ' ') t++;
      /* passed through one variable: `uv_timer_cb cb = on_tick; uv_timer_start(&t, cb, ...)` */
      t = through_variable(f, ir_enclosing_func(call), call, t);
      ir_node fake = {.kind = IR_CALL, .parent = (ir_node *)call, .member = t, .name = t};
      al_func_info *fn = (al_func_info *)al_index_resolve(idx, f, &fake);
      if (fn) {
        ir_node *fx = (ir_node *)fn->func;
        fx->flags |= flag;
        if (flag == IR_F_LOOP_CALLBACK && !fx->member) fx->member = api->name; /* C FUNC member: the loop's API */
        if (!fn->reg_api || al_kb_attr(api, "cancel")) fn->reg_api = api;
        if (!fx->text) fx->text = api->name; /* C FUNC text: how it got its context */
      }
    }
    const char *comma = strchr(s, ',');
    s = comma ? comma + 1 : NULL;
  }
}

/* A function reached from the loop: the call it is reached by (NULL: a loop callback,
 * which the loop calls with arguments we cannot see) and the item that call was made in. */
typedef struct reach_item {
  al_func_info *info;
  const ir_node *via;
  size_t parent; /* index + 1, 0: none */
} reach_item;

static int param_index(const ir_node *fn, const char *name) {
  for (uint32_t k = 0; k < fn->nargs; k++)
    if (fn->args[k].text && !strcmp(fn->args[k].text, name)) return (int)k;
  return -1;
}

/* fn calls one of its parameters (`each(void (*fn)(void)) { fn(); }`). */
static bool calls_param(const ir_node *fn) {
  for (const ir_node *x = fn->child; x; x = ir_next(x, fn))
    if (x->kind == IR_CALL && x->name && !(x->flags & IR_F_METHOD) && param_index(fn, x->name) >= 0) return true;
  return false;
}

/* The function a call of the parameter `name` of item me's function calls: what the
 * call that reached it passed there (`each(flush_disk)`), through wrappers that pass
 * their own parameter on (`all(fn)` -> each(fn)), up to 8. */
static const al_func_info *param_target(const al_index *idx, const reach_item *items, size_t me, const char *name) {
  for (size_t it = me, hops = 0; it && hops < 8; hops++) {
    const reach_item *r = &items[it - 1];
    int p = param_index(r->info->func, name);
    if (p < 0 || !r->via || (uint32_t)p >= r->via->nargs || !r->via->args[p].text || !r->parent) return NULL;
    const ir_arg *a = &r->via->args[p];
    it = r->parent;
    if (a->flags & IR_ARG_FUNC_REF) {
      const char *t = a->text;
      while (*t == '&' || *t == '(' || *t == ' ') t++;
      ir_node fake = {.kind = IR_CALL, .parent = (ir_node *)r->via, .member = t, .name = t};
      return al_index_resolve(idx, items[it - 1].info->file, &fake);
    }
    name = a->text; /* a parameter of the caller's, passed on? */
  }
  return NULL;
}

static void free_target_vec(const char *key, void *val, void *ctx) {
  (void)key, (void)ctx;
  al_vec_free(val);
  free(val);
}

/* cfiles: the C files of the build (ir_file*), those without a function too (a file
 * holding only a table of operations). */
static void mark_c_contexts(al_index *idx, const al_vec *cfiles) {
  if (!cfiles->len) return; /* else the C knowledge need not even be loaded */
  const al_kb *kb = al_kb_for(AL_LANG_C);
  al_vec work = {0};
  bool any_guard = false; /* a call made only when a parameter is (not) NULL: contexts matter */
  for (size_t i = 0; i < idx->infos.len; i++) {
    al_func_info *info = idx->infos.items[i];
    if (info->file->lang != AL_LANG_C) continue;
    for (const ir_node *x = info->func->child; x; x = ir_next(x, info->func)) {
      any_guard |= x->kind == IR_CALL && x->guard;
      if (x->kind != IR_CALL || !x->name) continue;
      const al_kb_entry *e = al_kb_find(kb, "registrations", x->name);
      if (!e) continue;
      mark_position(idx, info->file, x, al_kb_attr(e, "on"), IR_F_LOOP_CALLBACK, e);
      mark_position(idx, info->file, x, al_kb_attr(e, "off"), IR_F_OFF_LOOP, e);
    }
  }
  /* functions stored in callback fields (`opts.exit_cb = f`, `.read_cb = f`, `ev->handler = f`);
   * and every function stored in a field, by record and field, for the calls made
   * through one (`.on_msg = handle_msg` ... `s->on_msg(s)`: handle_msg runs where that
   * call does) */
  const al_kb_section *fields = al_kb_section_get(kb, "callback_fields");
  const al_kb_section *suffixes = al_kb_section_get(kb, "callback_field_suffixes");
  const al_kb_section *not_fields = al_kb_section_get(kb, "not_callback_fields");
  al_map targets = {0}; /* "record USR.field" -> al_vec* of al_func_info* */
  for (size_t i = 0; i < cfiles->len; i++) {
    const ir_file *file = cfiles->items[i];
    /* each file whole: file-scope initializers too (`static const struct ops file_ops =
     * { .read = file_read }`) */
    for (const ir_node *a = file->root; a; a = ir_next(a, file->root)) {
      if (a->kind != IR_ASSIGN || !a->member || !(a->flags & IR_F_METHOD)) continue;
      ir_node fake = {.kind = IR_CALL, .parent = (ir_node *)a, .member = a->member, .name = a->member};
      const al_func_info *fn = al_index_resolve(idx, file, &fake);
      if (!fn) continue;
      if (a->type) { /* the record's USR: `c:@S@server` */
        char key[512];
        if (al_join(key, sizeof key, a->type, '.', a->name)) {
          al_vec *v = al_map_get(&targets, key);
          if (!v) al_map_put(&targets, key, v = al_calloc(1, sizeof *v));
          bool seen = false;
          for (size_t k = 0; k < v->len && !seen; k++) seen = v->items[k] == fn;
          if (!seen) al_vec_push(v, (void *)fn);
        }
      }
      if (not_fields && al_map_get(&not_fields->by_name, a->name)) continue;
      bool cb = fields && al_map_get(&fields->by_name, a->name);
      for (size_t k = 0; suffixes && !cb && k < suffixes->entries.len; k++)
        cb = al_ends_with(a->name, ((const al_kb_entry *)suffixes->entries.items[k])->name);
      if (!cb) continue;
      ((ir_node *)fn->func)->flags |= IR_F_LOOP_CALLBACK;
      if (!fn->func->text) ((ir_node *)fn->func)->text = a->name; /* the field */
    }
  }
  /* functions with a loop callback's parameters, not registered anywhere we can see */
  for (size_t i = 0; i < idx->infos.len; i++) {
    al_func_info *info = idx->infos.items[i];
    ir_node *fx = (ir_node *)info->func;
    if (info->file->lang == AL_LANG_C && (fx->flags & IR_F_CB_SIGNATURE) &&
        !(fx->flags & (IR_F_LOOP_CALLBACK | IR_F_OFF_LOOP | IR_F_ANNOT_OFF)))
      fx->flags |= IR_F_LOOP_CALLBACK;
  }
  /* work items (reach_item). A call guarded by a parameter's NULL test (`if (cb ==
   * NULL) read_sync();`) is followed only when the argument allows it, through wrappers
   * that forward it; a call of a parameter reaches what the reaching call passed there. A
   * function reached again by another call has its guarded calls and its calls of
   * parameters looked at again for that call (each call at most once). */
  reach_item *items = NULL;
  size_t nitems = 0, cap = 0;
  al_map again = {0}; /* (call, function) pairs that sent a function reached already back for its guarded
                       * calls and its calls of parameters */
#define PUSH_ITEM(I, V, P)                                                                                          \
  do {                                                                                                          \
    if (nitems == cap) items = al_realloc(items, (cap = cap ? cap * 2 : 64) * sizeof *items);                    \
    items[nitems++] = (reach_item){(I), (V), (P)};                                                             \
    al_vec_push(&work, (void *)(uintptr_t)nitems);                                                             \
  } while (0)
  for (size_t i = 0; i < idx->infos.len; i++) {
    al_func_info *info = idx->infos.items[i];
    if (info->file->lang == AL_LANG_C && (info->func->flags & IR_F_LOOP_CALLBACK) &&
        !(info->func->flags & (IR_F_OFF_LOOP | IR_F_MAY_BLOCK)))
      PUSH_ITEM(info, NULL, 0);
  }
  /* breadth first: a function's context text names the shortest chain of calls from a
   * loop callback (the first to reach it) */
  for (size_t head = 0; head < work.len;) {
    size_t me = (size_t)(uintptr_t)work.items[head++];
    al_func_info *info = items[me - 1].info;
    for (ir_node *x = info->func->child; x; x = ir_next(x, info->func)) {
      if (x->kind != IR_CALL) continue;
      if (x->guard) {
        /* through wrappers that pass the parameter on: `cached_get(k, cb)` -> store_get(k, cb) */
        uint8_t g = x->guard;
        int e = 1;
        for (size_t it = me, hops = 0; it && hops < 8; hops++) {
          e = al_guard_eval(g, items[it - 1].via);
          if (e < 2) break;
          g = (uint8_t)((e - 1) | (g & IR_GUARD_NULL));
          it = items[it - 1].parent;
          e = 1;
        }
        if (!e) continue; /* not made when called this way */
        x->flags |= IR_F_GUARD_TAKEN;
      }
      /* a call through a struct field: each function stored in that record's field */
      const al_vec *through = (x->flags & IR_F_METHOD) && x->member ? al_map_get(&targets, x->member) : NULL;
      const al_func_info *one = through ? NULL : al_index_resolve(idx, info->file, x);
      /* a call of a parameter: the function the reaching call passed there */
      bool param = false;
      if (!through && !one && x->name && !(x->flags & IR_F_METHOD) && (one = param_target(idx, items, me, x->name)))
        param = true;
      /* a call of a local a function was stored in first (`cb_t f = flush; f();`) */
      const char *var = NULL;
      if (!through && !one && x->name && !(x->flags & IR_F_METHOD)) {
        const char *t = through_variable(info->file, info->func, x, x->name);
        if (t != x->name) {
          ir_node fake = {.kind = IR_CALL, .parent = x, .member = t, .name = t};
          if ((one = al_index_resolve(idx, info->file, &fake))) var = x->name;
        }
      }
      for (size_t t = 0; t < (through ? through->len : one ? 1 : 0); t++) {
        const al_func_info *callee = through ? through->items[t] : one;
        ir_node *cf = (ir_node *)callee->func;
        if (cf->flags & (IR_F_LOOP_CALLBACK | IR_F_OFF_LOOP | IR_F_MAY_BLOCK)) continue;
        if (cf->flags & IR_F_LOOP_REACHED) {
          /* reached already, by other calls: this one may pass what a guard below takes */
          char xkey[48];
          snprintf(xkey, sizeof xkey, "%p/%p", (const void *)x, (const void *)callee);
          if ((any_guard || calls_param(cf)) && !al_map_get(&again, xkey)) {
            al_map_put(&again, xkey, (void *)1);
            PUSH_ITEM((al_func_info *)callee, x, me);
          }
          continue;
        }
        cf->flags |= IR_F_LOOP_REACHED;
        if (!cf->member) cf->member = info->func->member; /* (runs under the same loop) */
        /* C FUNC text: the call chain from the loop callback, for messages */
        const ir_node *caller = info->func;
        ir_file *cfile = (ir_file *)callee->file;
        const char *via = through ? al_arena_fmt(&cfile->arena, " via the %s `%s`",
                                                 al_ends_with(x->member, ".[]") ? "array" : "field", x->name)
                          : param ? al_arena_fmt(&cfile->arena, " passed as `%s`", x->name)
                          : var   ? al_arena_fmt(&cfile->arena, " stored in `%s`", var)
                                  : "";
        cf->text = (caller->flags & IR_F_LOOP_REACHED) && caller->text
                       ? al_arena_fmt(&cfile->arena, "%s -> %s()%s", caller->text, cf->name, via)
                       : al_arena_fmt(&cfile->arena, "%s() -> %s()%s", caller->name, cf->name, via);
        PUSH_ITEM((al_func_info *)callee, x, me);
      }
    }
  }
#undef PUSH_ITEM
  al_map_each(&targets, free_target_vec, NULL);
  al_map_free(&targets);
  free(items);
  al_vec_free(&work);
  al_map_free(&again);
}

/* What an earlier build marked on C functions (the LSP rebuilds the index over the same
 * IR as files change): back to what the front end lowered. */
static void reset_c_contexts(ir_file *f) {
  for (ir_node *x = f->root; x; x = ir_next(x, f->root)) {
    if (x->kind == IR_CALL) x->flags &= ~IR_F_GUARD_TAKEN;
    if (x->kind != IR_FUNC) continue;
    x->flags &= ~(IR_F_LOOP_REACHED | IR_F_LOOP_CALLBACK | IR_F_OFF_LOOP);
    if (x->flags & IR_F_ANNOT_ON) x->flags |= IR_F_LOOP_CALLBACK;
    if (x->flags & IR_F_ANNOT_OFF) x->flags |= IR_F_OFF_LOOP;
    x->text = NULL; /* C FUNC text is the index's: how the function got its context */
    x->member = NULL; /* and member: the registering API of the loop it runs under */
  }
}

/* ---- digests ---- */
static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ (v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2))) * 0xff51afd7ed558ccdull; }

/* Records from..to-1, the functions they block through first (a lower depth). */
static void set_digests(al_index *idx, size_t from, size_t to) {
  for (uint32_t d = 0; d <= AL_BLOCK_MAX_DEPTH; d++)
    for (size_t i = from; i < to; i++) {
      al_func_info *x = idx->infos.items[i];
      if (x->block_depth != d) continue;
      uint64_t h = 0x243f6a8885a308d3ull;
      h = mix(h, x->flags);
      h = mix(h, (uintptr_t)x->file);
      h = mix(h, (uintptr_t)x->func);
      h = mix(h, (uintptr_t)x->block_call);
      h = mix(h, (uintptr_t)x->block_api);
      h = mix(h, x->block_via ? x->block_via->digest : 0);
      h = mix(h, x->block_depth);
      h = mix(h, x->block_cond);
      h = mix(h, (uintptr_t)x->reg_api);
      x->digest = h | 2 | RS_WHOLE; /* never 0: 0 is "no such function" */
      uint64_t b = 0x243f6a8885a308d3ull;
      b = mix(b, x->flags);
      b = mix(b, (uintptr_t)x->file);
      b = mix(b, (uintptr_t)x->func);
      b = mix(b, (uintptr_t)x->reg_api);
      x->digest_base = (b | 2) & ~(uint64_t)RS_WHOLE;
    }
}

/* A parallel for over [0, n): `jobs` threads, this one among them, take chunks of it in
 * turn. For the index build's lookups between pass 1 and pass 2, when the run's other
 * threads are idle (at -j2 the build was the serial part of the run). Lookups in a built
 * index only read it (pass 2's rules make them from every thread). */
typedef struct par_for {
  atomic_size_t next;
  size_t n, chunk;
  void (*fn)(void *ctx, size_t lo, size_t hi);
  void *ctx;
} par_for;

static void *par_worker(void *arg) {
  par_for *p = arg;
  for (;;) {
    size_t lo = atomic_fetch_add(&p->next, p->chunk);
    if (lo >= p->n) break;
    p->fn(p->ctx, lo, lo + p->chunk < p->n ? lo + p->chunk : p->n);
  }
  return NULL;
}

static void parallel_for(unsigned jobs, size_t n, size_t chunk, void (*fn)(void *, size_t, size_t), void *ctx) {
  enum { MAX_HELPERS = 15 };
  par_for p = {.n = n, .chunk = chunk, .fn = fn, .ctx = ctx};
  atomic_init(&p.next, 0);
  pthread_t th[MAX_HELPERS];
  unsigned helpers = 0, want = jobs > 1 ? jobs - 1 : 0;
  if (want > MAX_HELPERS) want = MAX_HELPERS;
  if (want > n / (4 * chunk)) want = (unsigned)(n / (4 * chunk)); /* not worth a thread */
  while (helpers < want && pthread_create(&th[helpers], NULL, par_worker, &p) == 0) helpers++;
  par_worker(&p);
  for (unsigned i = 0; i < helpers; i++) pthread_join(th[i], NULL);
}

/* A function that returns the result of an awaitable call returns an awaitable too.
 * Whether a function whose returned calls are sums[i]->returned returns an awaitable:
 * AWAITABLE, NEVER (no returned call can become awaitable: those that resolve to no
 * project function are decided by the knowledge alone), or MAYBE (some resolve to
 * project functions not known to return one yet). */
enum { FIX_NEVER, FIX_AWAITABLE, FIX_MAYBE };

static uint8_t returns_state(const al_index *idx, const al_func_info *info, const al_fn_summary *sum) {
  uint8_t st = FIX_NEVER;
  for (uint32_t i = 0; i < sum->nreturned; i++) {
    const al_func_info *callee;
    const al_kb_entry *api;
    bool aw = al_index_call_awaitable(idx, info->file, sum->returned[i], &callee, &api);
    if (callee == info) continue;
    if (aw) return FIX_AWAITABLE;
    if (callee) st = FIX_MAYBE;
  }
  return st;
}

typedef struct fix_job {
  al_index *idx;
  size_t from;
  const al_fn_summary *const *sums;
  uint8_t *state;
} fix_job;

static void fix_part(void *ctx, size_t lo, size_t hi) {
  fix_job *j = ctx;
  for (size_t i = lo; i < hi; i++) {
    const al_func_info *info = j->idx->infos.items[j->from + i];
    if ((info->flags & AL_FN_AWAITABLE) || info->file->lang == AL_LANG_C || (info->func->flags & IR_F_GENERATOR))
      j->state[i] = FIX_NEVER; /* (settled either way) */
    else
      j->state[i] = returns_state(j->idx, info, j->sums[i]);
  }
}

/* Fixpoint over the records from `from` on (sums[k]: the summary of record from + k):
 * sync functions returning an awaitable call return one too (bounded: each round must
 * mark at least one more function, and there are finitely many). The first round asks
 * every record against the flags as add_records set them (in parallel: it writes only
 * its own states); the later ones only those whose answer depends on another record. */
static void awaitable_fixpoint(al_index *idx, size_t from, const al_fn_summary *const *sums, unsigned jobs) {
  size_t n = idx->infos.len - from;
  uint8_t *state = al_malloc(n ? n : 1);
  fix_job job = {idx, from, sums, state};
  parallel_for(jobs, n, 256, fix_part, &job);
  bool changed = false;
  for (size_t i = 0; i < n; i++)
    if (state[i] == FIX_AWAITABLE) {
      ((al_func_info *)idx->infos.items[from + i])->flags |= AL_FN_AWAITABLE;
      changed = true;
    }
  while (changed) {
    changed = false;
    for (size_t i = 0; i < n; i++) {
      if (state[i] != FIX_MAYBE) continue;
      al_func_info *info = idx->infos.items[from + i];
      state[i] = returns_state(idx, info, sums[i]);
      if (state[i] == FIX_AWAITABLE) {
        info->flags |= AL_FN_AWAITABLE;
        changed = true;
      }
    }
  }
  free(state);
}

/* A record per function of the summary (own facts and shape only), under its keys, and
 * the file's promisified bindings. Returns where its records start. */
static size_t add_records(al_index *idx, const al_summary *sum) {
  ir_file *f = sum->ir;
  size_t first = idx->infos.len;
  for (size_t k = 0; k < sum->nfns; k++) {
    ir_node *x = sum->fns[k].func;
    al_func_info *info = new_record(idx);
    info->file = f;
    info->func = x;
    info->flags = sum->fns[k].facts;
    if (al_func_is_awaitable(f, x)) info->flags |= AL_FN_AWAITABLE;
    al_vec_push(&idx->infos, info);
    if (f->module) add_func(idx, f->module, x->name, info);
    if (f->lang == AL_LANG_C && (x->flags & IR_F_EXPORTED)) add_func(idx, "c", x->name, info);
    if (f->module && x->alias) add_func(idx, f->module, x->alias, info); /* export default */
  }
  /* JS `const readP = util.promisify(fs.readFile)` at module level */
  for (size_t k = 0; k < sum->nprom; k++) {
    char *key = al_fmt("%s" KEY_SEP "%s", f->module, sum->prom_names[k]);
    index_put(idx, &idx->promisified, key, strlen(key), (void *)sum->prom_apis[k]);
    free(key);
  }
  /* typed module values, in the same map: `module KEY_SEP = name` (no binding name has
   * an `=`); the ASSIGN copy is the answer */
  for (size_t k = 0; k < sum->nvalues; k++) {
    /* a class attribute "C.a" is the value a of "module.C", as a Python importer's
     * `C.a.m` (or `mod.C.a.m`) is looked up with its leading members moved into the module */
    const char *nm = sum->values[k]->name, *dot = strrchr(nm, '.');
    char *key = dot ? al_fmt("%s.%.*s" KEY_SEP "=%s", f->module, (int)(dot - nm), nm, dot + 1)
                    : al_fmt("%s" KEY_SEP "=%s", f->module, nm);
    index_put(idx, &idx->promisified, key, strlen(key), (void *)sum->values[k]);
    free(key);
    idx->nvalues++;
  }
  /* classes with bases, in the same map of bindings (a key ending in KEY_SEP: no
   * promisified name has one); the class node is the answer (its digest, for readsets,
   * is its address in the summary IR, the same in the speculative and the real index) */
  for (size_t k = 0; k < sum->nclasses; k++) {
    char *key = al_fmt("%s" KEY_SEP "%s" KEY_SEP, f->module, sum->classes[k]->name);
    index_put(idx, &idx->promisified, key, strlen(key), (void *)sum->classes[k]);
    free(key);
  }
  return first;
}

void al_index_build(al_index *idx, ir_file *const *files, size_t n) {
  al_summary **sums = al_calloc(n ? n : 1, sizeof *sums);
  for (size_t i = 0; i < n; i++) {
    if (!files[i]) continue;
    if (!files[i]->summary) al_index_summarize(files[i], NULL);
    sums[i] = files[i]->summary;
    files[i]->summary = NULL;
  }
  al_index_build_from(idx, sums, n, 1);
  free(sums);
}

void al_index_build_from(al_index *idx, al_summary *const *summaries, size_t n, unsigned jobs) {
  static atomic_uint_fast64_t serials;
  memset(idx, 0, sizeof *idx);
  idx->serial = atomic_fetch_add(&serials, 1) + 1;
  al_vec sums = {0}; /* al_fn_summary*, parallel to idx->infos */
  al_vec cfiles = {0};
  size_t nfns = 0, nfiles = 0;
  for (size_t i = 0; i < n; i++)
    if (summaries[i]) nfns += summaries[i]->nfns, nfiles++;
  al_map_reserve(&idx->funcs, nfns + nfns / 8); /* (a few are also under an alias) */
  al_map_reserve(&idx->modules, nfiles);
  for (size_t i = 0; i < n; i++) {
    const al_summary *sum = summaries[i];
    if (!sum) continue;
    ir_file *f = sum->ir;
    if (f->lang == AL_LANG_C) {
      reset_c_contexts(f);
      al_vec_push(&cfiles, f);
    }
    if (f->module) index_put(idx, &idx->modules, f->module, strlen(f->module), f);
    add_records(idx, sum);
    for (size_t k = 0; k < sum->nfns; k++) al_vec_push(&sums, &sum->fns[k]);
  }
  awaitable_fixpoint(idx, 0, (const al_fn_summary *const *)sums.items, jobs);
  mark_c_contexts(idx, &cfiles);
  al_vec_free(&cfiles);
  summarize_blocking(idx, (const al_fn_summary *const *)sums.items, jobs);
  set_digests(idx, 0, idx->infos.len);
  al_vec_free(&sums);
  for (size_t i = 0; i < n; i++) {
    al_summary *sum = summaries[i];
    if (!sum) continue;
    if (sum->ir != sum->of) al_vec_push(&idx->copies, sum->ir);
    free(sum); /* one block; the copy is the index's now */
  }
}

/* ---- speculative index ---- */
void al_index_spec_init(al_index *idx) {
  static atomic_uint_fast64_t serials;
  memset(idx, 0, sizeof *idx);
  idx->serial = atomic_fetch_add(&serials, 1) + 1 + (1ull << 62);
  idx->spec = al_calloc(1, sizeof *idx->spec);
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&idx->spec->lock, &a);
  pthread_mutexattr_destroy(&a);
}

void al_index_spec_single(al_index *idx, bool single) {
  if (idx->spec) idx->spec->single = single;
}

/* The derived part of records first.. (one file's, in summary order): whether they
 * return awaitables and how they block, against what the index holds now. */
static void spec_derive(al_index *idx, const al_summary *sum, size_t first) {
  ir_file *f = sum->ir;
  size_t end = first + sum->nfns;
  for (size_t i = first; i < end; i++) {
    al_func_info *info = idx->infos.items[i];
    info->flags = sum->fns[i - first].facts | (al_func_is_awaitable(f, info->func) ? AL_FN_AWAITABLE : 0);
    info->block_call = NULL;
    info->block_api = NULL;
    info->block_via = NULL;
    info->block_depth = 0;
    info->block_cond = 0;
  }
  const al_fn_summary **fns = al_calloc(sum->nfns ? sum->nfns : 1, sizeof *fns);
  for (size_t k = 0; k < sum->nfns; k++) fns[k] = &sum->fns[k];
  awaitable_fixpoint(idx, first, fns, 1);
  free(fns);
  for (size_t i = first; i < end; i++) own_blocking(idx, idx->infos.items[i], &sum->fns[i - first]);
  for (uint32_t depth = 2; depth <= AL_BLOCK_MAX_DEPTH; depth++)
    for (size_t i = first; i < end; i++) {
      al_func_info *info = idx->infos.items[i];
      const al_fn_summary *fs = &sum->fns[i - first];
      if (info->block_depth || (info->func->flags & (IR_F_ASYNC | IR_F_GENERATOR | IR_F_RETURNS_PROMISE)) ||
          !fs->ncalls)
        continue;
      const al_func_info **callees = al_calloc(fs->ncalls, sizeof *callees);
      for (uint32_t k = 0; k < fs->ncalls; k++) callees[k] = al_index_resolve(idx, f, fs->calls[k]);
      blocks_through(info, fs->calls, callees, fs->ncalls, depth);
      free(callees);
    }
  set_digests(idx, first, end);
}

size_t al_index_spec_add(al_index *idx, const al_summary *sum) {
  spec_lock(idx);
  size_t first = add_records(idx, sum);
  spec_derive(idx, sum, first);
  spec_unlock(idx);
  return first;
}

/* Records, once published, never change: a rule on another thread may be reading one
 * (outside the lock) and has recorded its digest. The file gets new records, and its
 * keys that still lead to its old ones lead to the new ones. */
size_t al_index_spec_update(al_index *idx, const al_summary *sum, size_t first) {
  spec_lock(idx);
  ir_file *f = sum->ir;
  size_t nfirst = idx->infos.len;
  for (size_t k = 0; k < sum->nfns; k++) {
    const al_func_info *old = idx->infos.items[first + k];
    al_func_info *info = new_record(idx);
    info->file = old->file;
    info->func = old->func;
    al_vec_push(&idx->infos, info);
    const char *names[2] = {old->func->name, old->func->alias};
    for (int j = 0; j < 2 && f->module; j++) {
      if (!names[j]) continue;
      char *key = al_fmt("%s" KEY_SEP "%s", f->module, names[j]);
      if (al_map_get(&idx->funcs, key) == old) index_put(idx, &idx->funcs, key, strlen(key), info);
      free(key);
    }
  }
  spec_derive(idx, sum, nfirst);
  spec_unlock(idx);
  return nfirst;
}

bool al_readset_holds(const al_index *idx, const al_readset *rs, const char **why) {
  if (rs->conflict) {
    *why = "a lookup got two answers while its rules ran (the speculative index grew in between)";
    return false;
  }
  for (size_t i = 0; i < rs->nfrozen; i++) {
    const rs_pair *p = &rs->frozen[i];
    bool prom = i >= rs->nfuncs;
    void *r;
    size_t n = al_map_find_hash(prom ? &idx->promisified : &idx->funcs, p->hash, &r);
    if (n > 1) { /* asked by hash alone: the answer is not known */
      *why = "two keys of the index share the hash of a key it looked up";
      return false;
    }
    uint64_t d = !n      ? 0
                 : prom  ? (uint64_t)(uintptr_t)r
                 : p->digest & RS_WHOLE ? ((const al_func_info *)r)->digest
                                        : ((const al_func_info *)r)->digest_base;
    /* a digest covers the function record itself: another key of the same hash that
     * answered with another function does not match */
    if (d != p->digest) {
      *why = "the index answers one of its lookups otherwise";
      return false;
    }
  }
  return true;
}

typedef struct hold_job {
  const al_index *idx;
  al_readset *const *rs;
  const char **why;
} hold_job;

static void hold_part(void *ctx, size_t lo, size_t hi) {
  hold_job *j = ctx;
  for (size_t i = lo; i < hi; i++) {
    j->why[i] = NULL;
    if (j->rs[i]) al_readset_holds(j->idx, j->rs[i], &j->why[i]);
  }
}

void al_readsets_hold(const al_index *idx, al_readset *const *rs, size_t n, const char **why, unsigned jobs) {
  hold_job job = {idx, rs, why};
  parallel_for(jobs, n, 32, hold_part, &job); /* (files: fewer, and of all sizes) */
}

void al_readset_freeze(al_readset *rs) {
  rs_pair *pairs = al_malloc((rs->len ? rs->len : 1) * sizeof *pairs);
  size_t n = 0;
  for (int prom = 0; prom < 2; prom++) {
    if (prom) rs->nfuncs = n;
    for (size_t i = 0; i < rs->cap; i++)
      if (rs->slots[i].used && rs->slots[i].promisified == prom)
        pairs[n++] = (rs_pair){rs->slots[i].hash, rs->slots[i].digest};
  }
  if (rs->cap == RS_FIRST_CAP && !rs_spare) { /* emptied for the next file */
    memset(rs->slots, 0, RS_FIRST_CAP * sizeof *rs->slots);
    rs_spare = rs->slots;
  } else {
    free(rs->slots);
  }
  rs->slots = NULL;
  rs->cap = rs->len = 0;
  rs->frozen = pairs;
  rs->nfrozen = n;
}

void al_readset_free(al_readset *rs) {
  if (!rs) return;
  free(rs->slots);
  free(rs->frozen);
  free(rs);
}

void al_index_free(al_index *idx) {
  for (size_t i = 0; i < idx->copies.len; i++) ir_file_free(idx->copies.items[i]);
  al_vec_free(&idx->copies);
  al_vec_free(&idx->infos);
  al_map_free(&idx->funcs);
  al_map_free(&idx->modules);
  al_map_free(&idx->promisified);
  al_arena_free(&idx->arena);
  if (idx->spec) {
    pthread_mutex_destroy(&idx->spec->lock);
    free(idx->spec);
    idx->spec = NULL;
  }
}
