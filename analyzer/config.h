/* config: `.asynclint.yaml`, found upward from each file (the nearest wins; `--config`
 * overrides): select, ignore, per-path-ignores, exclude, severity overrides,
 * per-language knowledge extensions, target runtimes. Errors carry file:line. */
#ifndef AL_CONFIG_H
#define AL_CONFIG_H

#include "rule.h"
#include "util.h"

typedef struct al_config {
  char *path;          /* the file */
  char *dir;           /* its folder: globs are relative to it */
  bool has_select;
  al_vec select;       /* char* code prefixes */
  al_vec extend_select; /* char*: enabled on top of select (or the default set) */
  al_vec ignore;       /* char* */
  al_vec ppi_globs;    /* char*: per-path-ignores patterns */
  al_vec ppi_codes;    /* al_vec* of char*, parallel to ppi_globs */
  al_vec exclude;      /* char* globs */
  al_map severity;     /* code -> (al_severity + 1) as a pointer */
  al_vec runtimes;     /* char*: target runtimes (asyncio, trio, anyio, node, libuv, ...) */
} al_config;

/* Loads and validates path; merges its knowledge extensions into the built-in knowledge.
 * Returns NULL with *err "path:line: reason" on any problem. */
al_config *al_config_load(const char *path, char **err);
void al_config_free(al_config *c);

/* Configurations of one run, by folder: the nearest `.asynclint.yaml` upward from a
 * file's folder, or the forced one (--config). Loading errors go to *err. */
typedef struct al_configs {
  al_config *forced;
  al_map by_dir;       /* dir -> al_config* or &al_config_none */
  al_vec owned;        /* al_config* */
} al_configs;

/* For the file at abs_path: its configuration (NULL when none). -1 on a config error. */
int al_configs_for(al_configs *cs, const char *abs_path, const al_config **out, char **err);
void al_configs_free(al_configs *cs);

/* A hash of the configuration files in a run (canonical path -> const al_config*), over
 * their paths and contents: the cache key part for configuration. */
uint64_t al_config_set_hash(const al_map *file_configs);

/* The file (abs_path) is excluded by cfg. */
bool al_config_excludes(const al_config *cfg, const char *abs_path);
/* Whether rule r runs on abs_path under cfg, given the command line's select/ignore. */
bool al_config_rule_enabled(const al_config *cfg, const al_vec *cli_select, const al_vec *cli_extend, const al_vec *cli_ignore,
                            const char *abs_path, const al_rule *r);
/* The severity cfg gives code, or dflt. */
al_severity al_config_severity(const al_config *cfg, const char *code, al_severity dflt);
/* The first Python event-loop library of cfg's target-runtimes (asyncio, trio, anyio),
 * or NULL: what fixes and advice use in a file that imports none of them. */
const char *al_config_py_runtime(const al_config *cfg);

#endif
