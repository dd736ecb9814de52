/* ts_alloc: tree-sitter's allocator, with a per-thread region for big files (see
 * ts_alloc.c for why). */
#ifndef AL_TS_ALLOC_H
#define AL_TS_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

/* Hands tree-sitter our allocator; before any tree-sitter object exists. */
void ts_alloc_install(void);
/* On: this thread's tree-sitter allocations come from its region until it is turned off.
 * Off: once the last of them is freed, the region's pages go back to the kernel. */
void ts_alloc_region(bool on);
/* The thread is ending: its region (if nothing in it is alive) is unmapped. */
void ts_alloc_thread_done(void);
/* Blocks of this thread's region still in use (tests). */
size_t ts_alloc_region_live(void);
/* False in sanitizer builds: every tree-sitter allocation goes to malloc, where ASan
 * sees it. */
bool ts_alloc_regions_used(void);

#endif
