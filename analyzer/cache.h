/* cache: warm runs. For each file, its findings are kept under a key made of the tool
 * version, the knowledge, the options, the file's configuration, its path and its
 * content hash. An entry also records the files its findings depend on directly (its
 * imports inside the project; for C, every C file) with their content hashes. An entry
 * is used only when those still hash the same and their own entries are usable, all the
 * way down (so an entry stays small: a direct list, not the whole import closure). When
 * a file changes, that file and the files that depend on it are analysed again.
 *
 * Where the cache lives: --cache-dir DIR, else $ASYNCLINT_CACHE_DIR, else
 * $XDG_CACHE_HOME/asynclint, else ~/.cache/asynclint. Entries are written to a
 * temporary file and renamed into place, so concurrent runs never see half an entry.
 * A damaged entry counts as a miss. */
#ifndef AL_CACHE_H
#define AL_CACHE_H

#include "driver.h"

typedef struct al_cache al_cache;

/* NULL when caching is off (--no-cache, --fix/--diff) or the folder cannot be made. */
al_cache *al_cache_open(const al_options *opts);
void al_cache_close(al_cache *c);

/* The key of file f (loaded) under cfg_hash (its configuration's content hash). */
uint64_t al_cache_key(const al_cache *c, const al_file *f, uint64_t cfg_hash);

/* An entry as read: its findings (not yet handed to the file) and the files its
 * findings depend on directly (what the file imports inside the run; for C, every C
 * file). `fresh`: each of those still has the recorded content hash, and the manifest
 * matches when the entry has one. Whether the entry may be used also depends on the
 * entries of those files (their own dependencies): the driver decides that over the
 * whole graph. */
typedef struct al_cache_entry {
  al_vec findings; /* al_finding* */
  al_vec deps;     /* al_file* */
  bool fresh;
} al_cache_entry;

/* Reads the entry for key (by_abs: canonical path -> al_file*, with content_hash set;
 * `manifest`: the hash of the sorted list of files in this run). NULL: no entry, or a
 * damaged one. */
al_cache_entry *al_cache_read(al_cache *c, const al_file *f, uint64_t key, const al_map *by_abs, uint64_t manifest);
/* Frees e and the findings still in it. */
void al_cache_entry_free(al_cache_entry *e);

/* The stat table: for each file of the last run, the stat it had before it was read
 * and its content hash. A warm run takes the hash from it instead of reading a file
 * whose device, inode, size, mtime and ctime are unchanged, as long as the file had not
 * changed for 2 s before that run began (a file written within the mtime clock's grain
 * of being read could change without its mtime moving). Files with a warning (bad
 * UTF-8) are always read, to print it. */
typedef struct al_stat_table al_stat_table;
al_stat_table *al_stat_table_read(const al_cache *c); /* NULL: none yet, or unreadable */
/* true, with *hash set, when the entry for abs matches st and may be trusted */
bool al_stat_table_lookup(const al_stat_table *t, const char *abs, const al_file_stat *st, uint64_t *hash);
void al_stat_table_free(al_stat_table *t);
/* Writes the table for the files of run whose content hash is known (read, or taken
 * from the table), stamped with the time the run began (CLOCK_REALTIME, ns). */
void al_stat_table_write(const al_cache *c, const al_run *run, int64_t began_ns);

/* Records f's findings under key with its direct dependencies (al_file*). `open_imports`
 * says an import of f resolved to no file of the run (a file added later may change the
 * findings): the entry then also holds the manifest. */
void al_cache_store(al_cache *c, const al_file *f, uint64_t key, const al_vec *deps, bool open_imports,
                    uint64_t manifest);

#endif
