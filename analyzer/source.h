/* source: reading a file into memory safely (size cap, binary and UTF-8 checks) and
 * mapping byte offsets to lines. Front ends and output read files only through here. */
#ifndef AL_SOURCE_H
#define AL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef enum { AL_LANG_NONE = 0, AL_LANG_PYTHON, AL_LANG_JS, AL_LANG_C } al_lang;

const char *al_lang_name(al_lang lang);
/* Language by extension: .py .pyi / .js .mjs .cjs .jsx / .c .h; AL_LANG_NONE otherwise. */
al_lang al_lang_from_path(const char *path);
/* A TypeScript file by extension: .ts .mts .cts .tsx (path may be NULL). */
bool al_is_typescript_path(const char *path);
/* A TypeScript declaration file (.d.ts .d.mts .d.cts): types only, no code that runs —
 * its functions feed the index, but no rule reports in it. */
bool al_is_declaration_path(const char *path);

typedef struct al_source {
  char *path;         /* as given or discovered; owned */
  al_lang lang;
  char *text;         /* file bytes plus a terminating NUL; owned */
  size_t len;
  uint32_t *line_starts; /* byte offset of each line; owned */
  uint32_t nlines;
  off_t size;         /* identity at read time: lets --fix detect a concurrent change */
  int64_t mtime_ns;
  bool bad_utf8;      /* the file has invalid UTF-8 (linted as bytes) */
  uint64_t serial;     /* unique per source built in this process (memos key on it, not on addresses) */
  uint32_t pylint_line; /* Python: the first line mentioning `pylint:` (0: none) — block-scoped disables */
  bool has_markers;   /* the text mentions `asynclint` or `noqa` (JS: `eslint-`, `biome-ignore`): suppressions possible */
} al_source;

#define AL_MAX_FILE_SIZE ((size_t)128 << 20)

/* Reads path. Returns 0, or -1 with *err set to a malloc'd one-line reason (caller frees).
 * Refuses directories, files over AL_MAX_FILE_SIZE and files with NUL bytes (binary). */
int al_source_load(al_source *s, const char *path, al_lang lang, char **err);
/* Uses text (copied) as the content of path: for tests, stdin and the LSP. */
void al_source_from_text(al_source *s, const char *path, al_lang lang, const char *text, size_t len);
void al_source_free(al_source *s);
/* Text standing in for one path (`check --stdin-filename PATH`): al_source_load(PATH)
 * returns a copy of it instead of reading the disk. Set before a run, not during one;
 * path NULL clears it. al_source_overlay(path) is the text standing in for path, or NULL. */
void al_source_set_overlay(const char *path, const char *text, size_t len);
const char *al_source_overlay(const char *path, size_t *len);
/* The 1-based line containing byte offset off. */
uint32_t al_source_line_of(const al_source *s, uint32_t off);
/* The 1-based line and column (in bytes) of byte offset off; 0 and 0 without a text. */
void al_source_position(const al_source *s, uint32_t off, uint32_t *line, uint32_t *col);
/* The text of 1-based line (without its line break); *len receives its length. */
const char *al_source_line(const al_source *s, uint32_t line, size_t *len);
/* True when a Python file declares a non-UTF-8 source encoding (PEP 263) in its first
 * two lines: its bytes are then legitimately not UTF-8. */
bool al_source_declares_encoding(const al_source *s);
/* Offset of the first invalid UTF-8 byte, or -1 when the text is valid. */
long al_utf8_invalid_at(const char *text, size_t len);

#endif
