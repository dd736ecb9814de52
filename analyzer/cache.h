/* cache: warm runs. For each file, its findings are kept under a key made of the tool
 * version, the knowledge, the options, the file's configuration, its path and its
 * content hash. An entry also records the files its findings depend on (the closure of
 * its imports inside the project; for C, every C file) with their content hashes. An
 * entry is used only when every one of those still hashes the same. When a file
 * changes, that file and the files that depend on it are analysed again.
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

/* Fills f->findings from the entry for key when it exists and every dependency still has
 * the recorded content hash (hashes: canonical path -> al_file*, with content_hash set).
 * `manifest` is the hash of the sorted list of files in this run. */
bool al_cache_load(al_cache *c, al_file *f, uint64_t key, const al_map *by_abs, uint64_t manifest);

/* Records f's findings under key with its dependencies (al_file*). `open_imports` says
 * an import of f resolved to no file of the run (a file added later may change the
 * findings): the entry then also holds the manifest. */
void al_cache_store(al_cache *c, const al_file *f, uint64_t key, const al_vec *deps, bool open_imports,
                    uint64_t manifest);

#endif
