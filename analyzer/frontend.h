/* frontend: lowering a loaded source into the async IR. One entry point; the language
 * of the source picks the front end (tree-sitter for Python/JS, libclang for C). */
#ifndef AL_FRONTEND_H
#define AL_FRONTEND_H

#include "ir.h"

struct TSTree;

typedef struct al_lower_ctx {
  const char *abs_path; /* canonical absolute path (resolves relative imports) */
  const char *module;   /* module id (see al_module_id) */
  /* Incremental parsing (tree-sitter front ends; the LSP): when set, *tree is the previous
   * tree already edited with ts_tree_edit to match src (or NULL), and receives the new
   * tree, which the caller owns. When NULL, the tree is freed before returning. */
  struct TSTree **tree;
} al_lower_ctx;

/* Returns the IR, or NULL with *err a malloc'd one-line reason. */
ir_file *al_lower(const al_source *src, const al_lower_ctx *ctx, char **err);

/* The module id of a file: Python dotted module (package walk up through __init__.py),
 * JS path without extension, C the path. Returns a malloc'd string. */
char *al_module_id(const char *abs_path, al_lang lang);

/* JS: how a path's extension enters its module id. Returns the suffix the id keeps and
 * sets *strip to the length of the extension dropped (0 and NULL: not a JS extension).
 * `.js`, `.jsx`, `.ts`, `.tsx`, `.d.ts` keep nothing (`./a` names any of them); an ES
 * module `.mjs` and a CommonJS `.cjs` keep their own (`./a.mjs` and `./a.cjs` are two
 * modules a package often ships side by side), and TypeScript's `.mts` / `.d.mts` are
 * named `./a.mjs` by their importers (`.cts` likewise `.cjs`). */
const char *al_js_module_suffix(const char *path, size_t len, size_t *strip, bool declarations);

/* The files f's imports may name on disk, each handed to visit (whether it exists is
 * the visitor's to check): Python modules under f's package root (`import a.b`:
 * root/a/b.py and root/a/b/__init__.py; `from a import b` also root/a/b.py ...), and
 * JS relative specifiers with the usual suffixes. Packages (node_modules, site-packages)
 * are not searched. The LSP's index and the CLI's import following use it. */
void al_import_candidates(const ir_file *f, const char *abs_path, void (*visit)(const char *path, void *ctx),
                          void *ctx);

/* The same from the text alone, without parsing (the CLI's import following): Python
 * `import` / `from ... import` lines, JS relative specifiers after `require(`, `import(`,
 * `from`, `import`. An import in a string or comment is taken too (a file read in vain). */
void al_scan_import_candidates(const al_source *src, const char *abs_path, const char *module,
                               void (*visit)(const char *path, void *ctx), void *ctx);

ir_file *al_lower_python(const al_source *src, const al_lower_ctx *ctx, char **err);
ir_file *al_lower_javascript(const al_source *src, const al_lower_ctx *ctx, char **err);
ir_file *al_lower_c(const al_source *src, const al_lower_ctx *ctx, char **err);
/* Parses src with tree-sitter and frees the tree, nothing else (Python/JS; C returns
 * false): the floor `make bench` compares the whole lint against. */
bool al_parse_only(const al_source *src);
/* The parser tree as an S-expression (Python/JS), for developing front ends. */
char *al_dump_ast(const al_source *src);

#endif
