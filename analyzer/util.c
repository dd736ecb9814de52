/* util: allocation that aborts on OOM, arenas, a string map, a byte buffer.
 * Every other module builds on these so call sites never check for NULL. */
#include "util.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

static void oom(size_t n) {
  fprintf(stderr, "asynclint: out of memory (asked for %zu bytes)\n", n);
  abort();
}

void *al_malloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) oom(n);
  return p;
}

void *al_calloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) oom(n * size);
  return p;
}

void *al_realloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) oom(n);
  return q;
}

char *al_strdup(const char *s) { return al_strndup(s, strlen(s)); }

char *al_strndup(const char *s, size_t n) {
  char *p = al_malloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

/* The formats the analyzer builds keys and names with — text, `%s`, `%.*s`, `%u`, `%d`,
 * `%zu`, `%%` — written into buf[cap]; the length, or -1 for anything else or a text that
 * does not fit (the caller falls back to vasprintf: ~1,000 instructions a call). */
static int fast_format(char *buf, size_t cap, const char *fmt, va_list ap) {
  size_t n = 0;
  for (const char *p = fmt; *p; p++) {
    const char *src;
    size_t len;
    char num[24];
    if (*p != '%') {
      src = p, len = 1;
    } else if (p[1] == '%') {
      src = p++, len = 1;
    } else if (p[1] == 's') {
      src = va_arg(ap, const char *);
      if (!src) return -1;
      len = strlen(src);
      p++;
    } else if (p[1] == '.' && p[2] == '*' && p[3] == 's') {
      int w = va_arg(ap, int);
      src = va_arg(ap, const char *);
      if (!src || w < 0) return -1;
      len = strnlen(src, (size_t)w);
      p += 3;
    } else if (p[1] == 'u' || p[1] == 'd' || (p[1] == 'z' && p[2] == 'u')) {
      unsigned long long v;
      bool neg = false;
      if (p[1] == 'u') v = va_arg(ap, unsigned);
      else if (p[1] == 'z') v = va_arg(ap, size_t);
      else {
        int d = va_arg(ap, int);
        neg = d < 0;
        v = neg ? 0ull - (unsigned long long)(long long)d : (unsigned long long)d;
      }
      size_t k = sizeof num;
      do num[--k] = (char)('0' + v % 10); while ((v /= 10));
      if (neg) num[--k] = '-';
      src = num + k, len = sizeof num - k;
      p += p[1] == 'z' ? 2 : 1;
    } else {
      return -1;
    }
    if (n + len >= cap) return -1;
    memcpy(buf + n, src, len);
    n += len;
  }
  buf[n] = 0;
  return (int)n;
}

char *al_fmt(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = fast_format(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n >= 0) {
    char *r = al_malloc((size_t)n + 1);
    memcpy(r, buf, (size_t)n + 1);
    return r;
  }
  va_start(ap, fmt);
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0) oom(0);
  va_end(ap);
  return s;
}

/* ---- pool ---- */
#if defined(__SANITIZE_ADDRESS__)
#define AL_POOL_OFF 1 /* ASan checks arena blocks only when they come from malloc */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define AL_POOL_OFF 1
#endif
#endif

#define POOL_ALIGN ((size_t)2 << 20)

typedef struct pool_chunk {
  char *base;
  size_t len;
} pool_chunk;

struct al_pool {
  pthread_mutex_t lock;
  char *cur;          /* the chunk being carved */
  size_t used, cap;
  pool_chunk *chunks; /* every mapping, unmapped by al_pool_free */
  size_t nchunks, chunks_cap;
};

static _Thread_local al_pool *thread_pool;

al_pool *al_pool_new(void) {
  al_pool *p = al_calloc(1, sizeof *p);
  pthread_mutex_init(&p->lock, NULL);
  return p;
}

void al_pool_use(al_pool *p) { thread_pool = p; }

void al_pool_free(al_pool *p) {
  if (!p) return;
  for (size_t i = 0; i < p->nchunks; i++) munmap(p->chunks[i].base, p->chunks[i].len);
  free(p->chunks);
  pthread_mutex_destroy(&p->lock);
  free(p);
}

/* A fresh 2 MB-aligned mapping of at least n bytes (zeroed by the kernel). */
static char *pool_map(al_pool *p, size_t n) {
  size_t len = (n + POOL_ALIGN - 1) & ~(POOL_ALIGN - 1);
  char *raw = mmap(NULL, len + POOL_ALIGN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) oom(len);
  char *base = (char *)(((uintptr_t)raw + POOL_ALIGN - 1) & ~(uintptr_t)(POOL_ALIGN - 1));
  if (base > raw) munmap(raw, (size_t)(base - raw));
  size_t tail = (size_t)(raw + POOL_ALIGN - base); /* what is left after base + len */
  if (tail) munmap(base + len, tail);
#ifdef MADV_HUGEPAGE
  madvise(base, len, MADV_HUGEPAGE); /* advice only: without it, 4 KB pages */
#endif
  if (p->nchunks == p->chunks_cap) {
    p->chunks_cap = p->chunks_cap ? p->chunks_cap * 2 : 16;
    p->chunks = al_realloc(p->chunks, p->chunks_cap * sizeof *p->chunks);
  }
  p->chunks[p->nchunks++] = (pool_chunk){base, len};
  return base;
}

/* n bytes (a multiple of 16) of zeroed memory from the pool. */
static void *pool_take(al_pool *p, size_t n) {
  pthread_mutex_lock(&p->lock);
  void *r;
  if (n > POOL_ALIGN / 4) {
    r = pool_map(p, n); /* a big block gets a mapping of its own */
  } else {
    if (!p->cur || p->used + n > p->cap) {
      p->cur = pool_map(p, POOL_ALIGN);
      p->used = 0;
      p->cap = POOL_ALIGN;
    }
    r = p->cur + p->used;
    p->used += n;
  }
  pthread_mutex_unlock(&p->lock);
  return r;
}

/* ---- arena ---- */
struct al_arena_block {
  al_arena_block *next;
  size_t cap;
  _Alignas(16) char data[];
};

void al_arena_init(al_arena *a) {
  memset(a, 0, sizeof *a);
#ifndef AL_POOL_OFF
  a->pool = thread_pool;
#endif
}

/* Recycled blocks: a thread that lowers file after file frees each IR before the next,
 * so its standard-size blocks (1 KB doubling to 64 KB) wait in a per-thread bin for the
 * next arena instead of going back to malloc: no allocator work, and memory that is
 * still in the cache. */
#define BIN_CLASSES 7
static _Thread_local al_arena_block *bin[BIN_CLASSES];
static _Thread_local bool bin_on;

static int bin_class(size_t cap) {
  for (int c = 0; c < BIN_CLASSES; c++)
    if (cap == (size_t)1024 << c) return c;
  return -1;
}

void al_arena_recycling(bool on) {
#ifdef AL_POOL_OFF
  on = false; /* ASan: every block back to malloc, so a use after free is caught */
#endif
  if (!on)
    for (int c = 0; c < BIN_CLASSES; c++)
      while (bin[c]) {
        al_arena_block *n = bin[c]->next;
        free(bin[c]);
        bin[c] = n;
      }
  bin_on = on;
}

void al_arena_free(al_arena *a) {
  al_arena_block *b = a->pool ? NULL : a->head; /* pooled blocks go with the pool */
  while (b) {
    al_arena_block *n = b->next;
    int c = bin_on ? bin_class(b->cap) : -1;
    if (c >= 0) {
      b->next = bin[c];
      bin[c] = b;
    } else {
      free(b);
    }
    b = n;
  }
  memset(a, 0, sizeof *a);
}

size_t al_arena_bytes(const al_arena *a) {
  size_t n = 0;
  for (const al_arena_block *b = a->head; b; b = b->next) n += sizeof *b + b->cap;
  return n;
}

void *al_arena_alloc(al_arena *a, size_t n) {
  n = (n + 7) & ~(size_t)7;
  if (!a->head || a->used + n > a->cap) {
    /* Blocks grow from 1 KB to 64 KB: a small file's IR stays small (100,000 files in
     * one run), a big one's takes few blocks. */
    size_t want = a->head ? (a->cap < 65536 ? a->cap * 2 : 65536) : 1024;
    size_t cap = n > want ? n : want;
    cap = (cap + 15) & ~(size_t)15;
    int c = !a->pool && bin_on ? bin_class(cap) : -1;
    al_arena_block *b;
    if (c >= 0 && bin[c]) {
      b = bin[c];
      bin[c] = b->next;
    } else {
      b = a->pool ? pool_take(a->pool, sizeof *b + cap) : al_malloc(sizeof *b + cap);
    }
    b->cap = cap;
    b->next = a->head;
    a->head = b;
    a->used = 0;
    a->cap = cap;
  }
  void *p = a->head->data + a->used;
  a->used += n;
  if (!a->pool) memset(p, 0, n); /* pooled memory is fresh from the kernel: zero */
  return p;
}

char *al_arena_strndup(al_arena *a, const char *s, size_t n) {
  char *p = al_arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *al_arena_strdup(al_arena *a, const char *s) { return al_arena_strndup(a, s, strlen(s)); }

char *al_arena_fmt(al_arena *a, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = fast_format(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n >= 0) {
    return al_arena_strndup(a, buf, (size_t)n);
  }
  va_start(ap, fmt);
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0) oom(0);
  va_end(ap);
  char *r = al_arena_strdup(a, s);
  free(s);
  return r;
}

/* ---- vec ---- */
void al_vec_push(al_vec *v, void *item) {
  if (v->len == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 8;
    v->items = al_realloc(v->items, v->cap * sizeof *v->items);
  }
  v->items[v->len++] = item;
}

void al_vec_free(al_vec *v) {
  free(v->items);
  memset(v, 0, sizeof *v);
}

/* ---- map (open addressing, linear probing) ---- */
struct al_map_entry {
  char *key;
  uint64_t hash;
  void *val;
};

size_t al_map_bytes(const al_map *m) {
  size_t n = m->cap * sizeof *m->slots;
  for (size_t i = 0; i < m->cap; i++)
    if (m->slots[i].key) n += strlen(m->slots[i].key) + 1;
  return n;
}

uint64_t al_hash(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  return h;
}

static inline uint64_t fmix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

/* The 128-bit product of a and b folded to 64 bits (wyhash's mixer). */
static inline uint64_t mum(uint64_t a, uint64_t b) {
  unsigned __int128 r = (unsigned __int128)a * b;
  return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t load8(const char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

static inline uint64_t load4(const char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

uint64_t al_hash_fast(const char *s, size_t n) {
  /* 16 bytes per multiply (memcpy of a constant size: one unaligned load, strict-aliasing
   * safe), the length mixed in, and a full avalanche at the end: about half the
   * instructions of a murmur-style 8-byte loop on the index's 100-byte keys. The last 1-16
   * bytes are read as two overlapping loads (wyhash's way), not copied by length: a
   * memcpy of a variable size was a libc call per key (2 M instructions of the JS
   * sample's 1,248 M). */
  const uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL, k2 = 0x8ebc6af09c88c6e3ULL;
  uint64_t h = k0 ^ (n * k2), a, b;
  if (n > 16) {
    size_t i = 0;
    for (; i + 16 < n; i += 16) h = mum(load8(s + i) ^ k1, load8(s + i + 8) ^ h);
    a = load8(s + n - 16);
    b = load8(s + n - 8);
  } else if (n >= 8) {
    a = load8(s);
    b = load8(s + n - 8);
  } else if (n >= 4) {
    a = load4(s);
    b = load4(s + n - 4);
  } else if (n) {
    const unsigned char *u = (const unsigned char *)s;
    a = (uint64_t)u[0] << 16 | (uint64_t)u[n / 2] << 8 | u[n - 1];
    b = 0;
  } else {
    a = b = 0;
  }
  h = mum(a ^ k1, b ^ h ^ k2);
  return fmix64(h ^ n);
}

char *al_join(char *buf, size_t cap, const char *a, char sep, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  if (na + nb + 2 > cap) return NULL;
  memcpy(buf, a, na);
  buf[na] = sep;
  memcpy(buf + na + 1, b, nb + 1);
  return buf;
}

static al_map_entry *map_find(al_map_entry *slots, size_t cap, const char *key, uint64_t h) {
  size_t i = h & (cap - 1);
  for (;;) {
    al_map_entry *e = &slots[i];
    if (!e->key || (e->hash == h && strcmp(e->key, key) == 0)) return e;
    i = (i + 1) & (cap - 1);
  }
}

void *al_map_get(const al_map *m, const char *key) { return al_map_get_hashed(m, key, al_hash_fast(key, strlen(key))); }

void *al_map_get_hashed(const al_map *m, const char *key, uint64_t hash) {
  if (!m->cap) return NULL;
  al_map_entry *e = map_find(m->slots, m->cap, key, hash);
  return e->key ? e->val : NULL;
}

size_t al_map_find_hash(const al_map *m, uint64_t hash, void **val) {
  size_t n = 0;
  *val = NULL;
  if (!m->cap) return 0;
  for (size_t i = hash & (m->cap - 1); m->slots[i].key; i = (i + 1) & (m->cap - 1))
    if (m->slots[i].hash == hash && n++ == 0) *val = m->slots[i].val;
  return n;
}

static void *map_put(al_map *m, const char *key, void *val, bool copy) {
  if ((m->len + 1) * 4 >= m->cap * 3) {
    size_t ncap = m->cap ? m->cap * 2 : 16;
    al_map_entry *ns = al_calloc(ncap, sizeof *ns);
    for (size_t i = 0; i < m->cap; i++) {
      if (m->slots[i].key) *map_find(ns, ncap, m->slots[i].key, m->slots[i].hash) = m->slots[i];
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
  }
  uint64_t h = al_hash_fast(key, strlen(key));
  al_map_entry *e = map_find(m->slots, m->cap, key, h);
  if (e->key) {
    void *old = e->val;
    e->val = val;
    return old;
  }
  e->key = copy ? al_strdup(key) : (char *)key;
  e->hash = h;
  e->val = val;
  m->len++;
  return NULL;
}

void al_map_reserve(al_map *m, size_t n) {
  size_t cap = m->cap ? m->cap : 16;
  while ((n + 1) * 4 >= cap * 3) cap *= 2;
  if (cap == m->cap) return;
  al_map_entry *ns = al_calloc(cap, sizeof *ns);
  for (size_t i = 0; i < m->cap; i++)
    if (m->slots[i].key) *map_find(ns, cap, m->slots[i].key, m->slots[i].hash) = m->slots[i];
  free(m->slots);
  m->slots = ns;
  m->cap = cap;
}

void *al_map_put(al_map *m, const char *key, void *val) { return map_put(m, key, val, true); }

void *al_map_put_borrowed(al_map *m, const char *key, void *val) {
  m->borrowed = true;
  return map_put(m, key, val, false);
}

void al_map_free(al_map *m) {
  for (size_t i = 0; !m->borrowed && i < m->cap; i++) free(m->slots[i].key);
  free(m->slots);
  memset(m, 0, sizeof *m);
}

void al_map_each(const al_map *m, void (*fn)(const char *, void *, void *), void *ctx) {
  for (size_t i = 0; i < m->cap; i++)
    if (m->slots[i].key) fn(m->slots[i].key, m->slots[i].val, ctx);
}

bool al_starts_with(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool al_ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

bool al_capitalised_last(const char *name) {
  const char *last = strrchr(name, '.');
  last = last ? last + 1 : name;
  return *last >= 'A' && *last <= 'Z';
}

/* ---- buf ---- */
void al_buf_add(al_buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) cap *= 2;
    b->data = al_realloc(b->data, cap);
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = 0;
}

void al_buf_puts(al_buf *b, const char *s) { al_buf_add(b, s, strlen(s)); }

void al_buf_printf(al_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  int n = vasprintf(&s, fmt, ap);
  va_end(ap);
  if (n < 0) oom(0);
  al_buf_add(b, s, (size_t)n);
  free(s);
}

char *al_buf_steal(al_buf *b) {
  if (!b->data) al_buf_add(b, "", 0);
  char *s = b->data;
  memset(b, 0, sizeof *b);
  return s;
}

void al_buf_free(al_buf *b) {
  free(b->data);
  memset(b, 0, sizeof *b);
}

/* ---- realpath memo ---- */
static void free_dir(const char *key, void *val, void *ctx) {
  (void)key;
  (void)ctx;
  free(val);
}

void al_realpaths_free(al_realpaths *m) {
  al_map_each(&m->dirs, free_dir, NULL);
  al_map_free(&m->dirs);
}

char *al_realpath_memo(al_realpaths *m, const char *path) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  struct stat st;
  if (!*base || !strcmp(base, ".") || !strcmp(base, "..") || lstat(path, &st) < 0 || S_ISLNK(st.st_mode))
    return realpath(path, NULL);
  char *dir = slash ? al_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : al_strdup(".");
  char *canon = al_map_get(&m->dirs, dir);
  if (!canon) {
    canon = realpath(dir, NULL);
    if (!canon) {
      free(dir);
      return realpath(path, NULL);
    }
    al_map_put(&m->dirs, dir, canon);
  }
  free(dir);
  return strcmp(canon, "/") ? al_fmt("%s/%s", canon, base) : al_fmt("/%s", base);
}
