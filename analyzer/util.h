/* util: the allocator wrapper (aborts on out-of-memory), arenas, interned strings,
 * growable arrays and small string helpers shared by every module. */
#ifndef AL_UTIL_H
#define AL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *al_malloc(size_t n);
void *al_calloc(size_t n, size_t size);
void *al_realloc(void *p, size_t n);
char *al_strdup(const char *s);
char *al_strndup(const char *s, size_t n);
/* Returns a malloc'd formatted string; the caller frees it. */
char *al_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A pool of big, zeroed memory chunks (2 MB aligned, transparent huge pages where the
 * kernel allows) that arenas take their blocks from during a batch run: one page fault
 * per 2 MB instead of one per 4 KB, no malloc bookkeeping per block, and no memset.
 * Blocks are never given back one by one: the whole pool is unmapped at once, so only
 * runs that free everything together use one (the CLI driver; the LSP does not). */
typedef struct al_pool al_pool;
al_pool *al_pool_new(void);
void al_pool_free(al_pool *p); /* after every arena that took blocks from it is freed */
/* Arenas initialised on this thread from now on take blocks from p (NULL: malloc). */
void al_pool_use(al_pool *p);

/* A bump allocator: everything allocated from it is freed at once by al_arena_free. */
typedef struct al_arena_block al_arena_block;
typedef struct al_arena {
  al_arena_block *head;
  size_t used, cap;
  al_pool *pool; /* where blocks come from (NULL: malloc) */
} al_arena;

void al_arena_init(al_arena *a);
/* On: this thread's arenas keep freed blocks for its next arenas. Off: they are freed
 * (and so are the kept ones). A thread turns it off before it ends. */
void al_arena_recycling(bool on);
void al_arena_free(al_arena *a);
/* Bytes the arena holds (all blocks), for --stats. */
size_t al_arena_bytes(const al_arena *a);
void *al_arena_alloc(al_arena *a, size_t n); /* zeroed, 8-byte aligned */
char *al_arena_strndup(al_arena *a, const char *s, size_t n);
char *al_arena_strdup(al_arena *a, const char *s);
char *al_arena_fmt(al_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A growable array of pointers. */
typedef struct al_vec {
  void **items;
  size_t len, cap;
} al_vec;
void al_vec_push(al_vec *v, void *item);
void al_vec_free(al_vec *v);

/* A string -> pointer hash map; keys are copied and owned by the map (unless it is
 * filled with al_map_put_borrowed only). */
typedef struct al_map_entry al_map_entry;
typedef struct al_map {
  al_map_entry *slots;
  size_t len, cap;
  bool borrowed; /* keys are the caller's: they outlive the map and are not freed */
} al_map;
void *al_map_get(const al_map *m, const char *key);
/* The same, with the key's al_hash_fast already computed. */
void *al_map_get_hashed(const al_map *m, const char *key, uint64_t hash);
/* How many keys of m have this hash (keys are not compared); *val gets the first one's
 * value (NULL when none). */
size_t al_map_find_hash(const al_map *m, uint64_t hash, void **val);
/* Sets key to val; returns the previous value or NULL. */
void *al_map_put(al_map *m, const char *key, void *val);
/* Room for n entries without growing. */
void al_map_reserve(al_map *m, size_t n);
/* The same without copying key: for a scratch map whose keys outlive it (a map is
 * filled with one of the two only). */
void *al_map_put_borrowed(al_map *m, const char *key, void *val);
void al_map_free(al_map *m);
/* Bytes the map holds (slots and keys), for --stats. */
size_t al_map_bytes(const al_map *m);
/* Calls fn for every entry, in no particular order. */
void al_map_each(const al_map *m, void (*fn)(const char *key, void *val, void *ctx), void *ctx);

/* FNV-1a: stable across versions (baseline files store it); byte at a time. */
uint64_t al_hash(const char *s, size_t n);
/* A fast 64-bit hash, 8 bytes a step: maps, content hashes, cache keys. Not stable
 * across versions (the cache format number changes with it). */
uint64_t al_hash_fast(const char *s, size_t n);
/* Writes a SEP b NUL into buf (cap bytes); returns buf, or NULL when it does not fit. */
char *al_join(char *buf, size_t cap, const char *a, char sep, const char *b);
bool al_starts_with(const char *s, const char *prefix);
/* s equals lit (a non-empty literal): the first characters compared inline, so the
 * usual miss (a node type tested against the types a front end handles) costs no call. */
static inline bool al_streq(const char *s, const char *lit) { return s[0] == lit[0] && !strcmp(s, lit); }
bool al_ends_with(const char *s, const char *suffix);
/* The last dotted component of name starts with a capital letter (a class, by the
 * naming convention: `httpx.AsyncClient`, `Repo`). */
bool al_capitalised_last(const char *name);

/* realpath(3) for many files in few folders: each folder is resolved once, and a file
 * costs one lstat (a symlinked file still goes through realpath). Not thread-safe. */
typedef struct al_realpaths {
  al_map dirs; /* folder as written -> canonical folder (char*) */
} al_realpaths;
char *al_realpath_memo(al_realpaths *m, const char *path); /* malloc'd; NULL like realpath */
void al_realpaths_free(al_realpaths *m);

/* A growable byte buffer for building text. */
typedef struct al_buf {
  char *data;
  size_t len, cap;
} al_buf;
void al_buf_add(al_buf *b, const char *s, size_t n);
void al_buf_puts(al_buf *b, const char *s);
void al_buf_printf(al_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *al_buf_steal(al_buf *b); /* NUL-terminated; the buffer is reset */
void al_buf_free(al_buf *b);

#endif
