/* ts_alloc: tree-sitter's allocator, with a region for big files.
 *
 * glibc keeps the memory a thread frees in that thread's malloc arena, resident. A big
 * file's tree (about 25 times its size: 43 MB for a 1.7 MB JS bundle) leaves holes that
 * the rest of a run only partly reuses, so the thread that parsed it stays at that high
 * water mark to the end. A thread parsing a big file turns its region on: tree-sitter's
 * allocations then come from a private reservation (bump allocation, small blocks
 * recycled by size class), and once the tree and the parser are gone the pages are handed
 * back with MADV_DONTNEED.
 *
 * Blocks are freed by the thread that made them (a tree is parsed, walked and deleted on
 * one thread in a batch run); the LSP never turns a region on. Under ASan the region is
 * off, so every tree-sitter allocation stays visible to it. */
#include "ts_alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <tree_sitter/api.h>

#if defined(__SANITIZE_ADDRESS__)
#define TS_REGION_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define TS_REGION_OFF 1
#endif
#endif

#define RESERVE ((size_t)512 << 20) /* address space per thread; past it, plain malloc */
#define SMALL_MAX 1024            /* blocks up to this size are recycled by class */
#define HDR 8 /* the block size, before the block (blocks are 8-byte aligned, like glibc chunks' overhead) */

typedef struct region {
  char *base, *cur; /* reservation; bump pointer */
  size_t used_max;  /* bytes touched since the last release */
  size_t live;      /* blocks handed out and not yet freed */
  void *free_[SMALL_MAX / 8 + 1];
  bool on;
  bool failed; /* the reservation could not be made: plain malloc */
} region;

static _Thread_local region R;

static bool owns(const void *p) {
  return R.base && (const char *)p >= R.base && (const char *)p < R.base + RESERVE;
}

static void oom(size_t n) {
  fprintf(stderr, "asynclint: out of memory (tree-sitter asked for %zu bytes)\n", n);
  abort();
}

static void *region_alloc(size_t n) {
  size_t need = n ? (n + 7) & ~(size_t)7 : 8;
  if (need <= SMALL_MAX && R.free_[need / 8]) {
    void **p = R.free_[need / 8];
    R.free_[need / 8] = *p;
    R.live++;
    return p;
  }
  if ((size_t)(R.base + RESERVE - R.cur) < need + HDR) return NULL; /* full */
  char *h = R.cur;
  R.cur += need + HDR;
  if ((size_t)(R.cur - R.base) > R.used_max) R.used_max = (size_t)(R.cur - R.base);
  *(size_t *)h = need;
  R.live++;
  return h + HDR;
}

/* Nothing of the region is in use: its pages go back to the kernel. */
static void region_release(void) {
  if (!R.base || R.live) return;
  if (R.used_max) madvise(R.base, R.used_max, MADV_DONTNEED);
  R.cur = R.base;
  R.used_max = 0;
  memset(R.free_, 0, sizeof R.free_);
}

static void region_free(void *p) {
  size_t need = *(size_t *)((char *)p - HDR);
  if (need <= SMALL_MAX) {
    *(void **)p = R.free_[need / 8];
    R.free_[need / 8] = p;
  }
  R.live--;
  if (!R.live && !R.on) region_release();
}

static void *ts_alloc_malloc(size_t n) {
  void *p = R.on ? region_alloc(n) : NULL;
  if (!p && !(p = malloc(n ? n : 1))) oom(n);
  return p;
}

static void *ts_alloc_calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) oom(SIZE_MAX);
  void *p = R.on ? region_alloc(count * size) : NULL;
  if (p) return memset(p, 0, count * size);
  if (!(p = calloc(count ? count : 1, size ? size : 1))) oom(count * size);
  return p;
}

static void *ts_alloc_realloc(void *p, size_t n) {
  if (!p) return ts_alloc_malloc(n);
  if (!owns(p)) {
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
  }
  size_t have = *(size_t *)((char *)p - HDR);
  if (n <= have) return p;
  bool was = R.on;
  R.on = true; /* a region block grows in the region, even after the file is done */
  void *q = ts_alloc_malloc(n);
  R.on = was;
  memcpy(q, p, have);
  region_free(p);
  return q;
}

static void ts_alloc_free(void *p) {
  if (!p) return;
  if (owns(p)) region_free(p);
  else free(p);
}

void ts_alloc_install(void) {
#ifndef TS_REGION_OFF
  ts_set_allocator(ts_alloc_malloc, ts_alloc_calloc, ts_alloc_realloc, ts_alloc_free);
#endif
}

void ts_alloc_region(bool on) {
#ifndef TS_REGION_OFF
  if (on && !R.base && !R.failed) {
    void *m = mmap(NULL, RESERVE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
      R.failed = true;
    } else {
      R.base = R.cur = m;
    }
  }
  R.on = on && R.base;
  if (!on) region_release();
#else
  (void)on;
#endif
}

void ts_alloc_thread_done(void) {
  R.on = false;
  if (!R.base || R.live) return;
  munmap(R.base, RESERVE);
  memset(&R, 0, sizeof R);
}

size_t ts_alloc_region_live(void) { return R.live; }

bool ts_alloc_regions_used(void) {
#ifdef TS_REGION_OFF
  return false;
#else
  return true;
#endif
}
