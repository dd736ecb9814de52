/* driver: one lint run: discover, pass 1 (load + lower, parallel), index (serial),
 * pass 2 (rules, parallel), then sorted output. The CLI, tests and later the LSP call it. */
#ifndef AL_DRIVER_H
#define AL_DRIVER_H

#include <stdatomic.h>
#include <stdio.h>

#include "index.h"
#include "rule.h"

typedef enum {
  AL_FMT_TEXT,
  AL_FMT_JSON,
  AL_FMT_SARIF,
  AL_FMT_GITHUB,
  AL_FMT_CONCISE,
  AL_FMT_JSON_LINES, /* one JSON object per line */
  AL_FMT_GITLAB,     /* GitLab Code Quality (Code Climate issues) */
  AL_FMT_JUNIT,      /* JUnit XML: a test suite per file, a failed test case per finding */
  AL_FMT_PYLINT,     /* path:line: [CODE] message */
} al_format;

typedef struct al_options {
  int jobs;            /* threads; <= 0: number of cores */
  al_format format;
  int color;           /* 1 on, 0 off */
  al_vec select;       /* char*: code prefixes (empty: all) */
  al_vec extend_select; /* char*: --extend-select: enabled on top of the selection */
  al_vec ignore;       /* char*: code prefixes */
  bool quiet;          /* no summary line */
  bool fix;            /* --fix: apply fixes and write the files */
  bool diff;           /* --diff: print the fixes as a unified diff, write nothing */
  bool unsafe_fixes;   /* --unsafe-fixes: unsafe fixes too */
  bool exit_zero;      /* --exit-zero: findings do not make the exit code 1 */
  const char *baseline;       /* --baseline FILE: report only findings not in it */
  const char *write_baseline; /* --write-baseline FILE: record the findings, exit 0 */
  const char *diff_base;      /* --diff-base REV: only findings on lines changed since REV */
  const char *config_path;    /* --config FILE: this configuration for every file */
  int shard_k, shard_n;       /* --shard K/N: report on every N-th file from the K-th (0: all) */
  bool stats;                 /* --stats: phase times and memory on stderr */
  bool statistics;            /* --statistics: a count per rule in place of the findings */
  bool no_cache;              /* --no-cache */
  const char *cache_dir;      /* --cache-dir DIR (see cache.h) */
  bool no_follow;              /* --no-follow-imports */
  FILE *report;                /* -o FILE: the report goes there (NULL: out; with --stdin-filename
                                * and --fix, err) */
  const char *stdin_path;      /* --stdin-filename: the one file, its text in the source
                                * overlay (al_source_set_overlay); --fix prints it fixed */
  /* --staged: an import that the export of the staged files lacks is exported from the
   * git index (true when abs_path then exists) */
  bool (*fetch_import)(const char *abs_path, void *ctx);
  void *fetch_ctx;
  const al_map *file_configs; /* set by al_check: canonical path -> const al_config* */
  const al_map *index_only;   /* set by al_check: paths read for the index only (imports of
                               * the files named, outside them): not checked, not reported */
  al_realpaths *realpaths;    /* set by al_check: canonical paths, folders resolved once */
} al_options;

/* What stat(2) said of a file: enough to tell that it has not changed since. */
typedef struct al_file_stat {
  bool ok;
  uint64_t dev, ino, size;
  int64_t mtime_ns, ctime_ns;
} al_file_stat;

typedef struct al_file {
  bool in_shard;       /* rules run on it and it is reported (--shard) */
  bool index_only;     /* read for the index only (an import followed): never checked */
  bool cached;         /* its findings came from the cache */
  bool lower;          /* pass 1 lowers it (not cached, or a dependency of a file that is not) */
  uint64_t content_hash;
  al_file_stat st;     /* what stat said before the file was read (st.ok: it did); its size
                        * also orders the work, biggest first */
  bool known;          /* content_hash comes from the cache's stat table: not read */
  char *module;        /* module id (al_module_id) */
  char *path;          /* display path */
  char *abs;           /* canonical path (module ids, relative imports) */
  al_lang lang;
  uint8_t pytest;      /* Python: AL_PYTEST_* (pytest_ctx.h), from the files around it */
  al_source src;
  bool loaded;
  bool text_dropped;   /* read, then its text freed (no findings): read again if needed */
  ir_file *ir;         /* while it is analysed (C files: for the whole run) */
  bool lowered;        /* pass 1 lowered and summarized it */
  atomic_int claimed;  /* a pass 1 thread took it (to analyse it before a file importing it) */
  atomic_bool in_spec; /* its summary is in the speculative index */
  atomic_bool settled; /* pass 1 is done with it (summarized, postponed, or failed) */
  bool postponed;      /* lowered and summarized, its rules left for the end of pass 1 */
  struct al_summary *summary; /* until the index takes it */
  struct al_readset *readset; /* its rules ran on the speculative index: what they looked up */
  bool recheck;        /* the real index answers a lookup differently: analysed again */
  al_vec imports;      /* al_file*: files of the run it imports (runs with a cache) */
  bool imports_open;   /* it imports a module that is no file of the run */
  al_vec findings;     /* al_finding*, sorted */
  char *error;         /* one-line reason the file was not linted */
  char *warning;       /* one-line note (linted anyway) */
} al_file;

typedef struct al_run {
  al_file *files;
  size_t nfiles;
  size_t nchecked;     /* files in this shard (all without --shard) */
  size_t cache_hits;   /* files whose findings came from the cache */
  al_index index;
  size_t nfindings;
  size_t nerrors;
  size_t nunread;      /* of the files checked, those that could not be read (binary, unreadable ...) */
  al_pool *pool;       /* where the IR arenas of the run take their blocks (C files) */
  al_index spec;       /* the speculative index Python/JS rules run on in pass 1 */
  al_summary_store store; /* the summary IR of the run's files */
  const al_map *mods;  /* module id -> al_file* (runs with a cache) */
  size_t rechecked;    /* files whose speculative findings did not hold */
  bool keep_ir;        /* ASYNCLINT_NO_STREAM: every file keeps its IR for pass 2 (the
                        * reference the streamed run is tested against) */
  size_t *order;       /* file indices, biggest first (NULL: in order) */
} al_run;

/* Returns the process exit code: 0 no findings, 1 findings, 2 usage error, 3 internal. */
int al_check(const al_options *opts, const char *const *paths, int npaths, FILE *out, FILE *err);

/* `asynclint parse`: discover and load like check, parse each Python/JS file with
 * tree-sitter and free the tree; prints a count. The benchmark's parse-only floor. */
int al_parse_files(const al_options *opts, const char *const *paths, int npaths, FILE *out, FILE *err);

/* The library form: lint the given files (already discovered) into run. */
void al_run_files(al_run *run, const al_options *opts, char **paths, size_t n);
void al_run_free(al_run *run);
bool al_rule_enabled(const al_options *opts, const al_rule *r);
/* Validates --select/--ignore entries; returns the first unknown one or NULL. */
const char *al_options_bad_code(const al_options *opts);

void al_output_text(const al_run *run, const al_options *opts, FILE *out);
void al_output_json(const al_run *run, FILE *out);
/* SARIF 2.1.0: one run, the enabled rules (with their docs as help), results with fixes. */
void al_output_sarif(const al_run *run, const al_options *opts, FILE *out);
/* GitHub Actions workflow commands: one ::error/::warning/::notice line per finding. */
void al_output_github(const al_run *run, FILE *out);
/* Writes run in the format opts asks for. */
void al_output(const al_run *run, const al_options *opts, FILE *out);

#endif
